/**
 * The supply-chain panel in Chromium: every referrer of the supply fixture listed with its kind and the
 * discovery paths said out loud; signatures checked in the browser with a pasted key (right key verifies,
 * wrong key does not, a payload for another image is called out); keyless checked with its certificate's
 * key and its identity shown; the SBOM table filters; the hostile cases flagged. Against registry 2.8 and
 * against the referrers-API registry in tests/support. Screenshots light, dark and at phone width.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { CDX_PACKAGES, KEYLESS_IDENTITY, KEYLESS_ISSUER, OTHER_PUBLIC_PEM, SIGNING_PUBLIC_PEM, supplyFixtures } from '../fixtures/supply';
import { COSIGN_SBOM_PACKAGES, multiFixtures, NOTATION_IDENTITY } from '../fixtures/supply-multi';
import { startReferrersRegistry, type ReferrersRegistry } from '../support/referrers-registry';
import { SHOTS, pageErrors, permalink, shot, useBrowser, verdict, type Look } from './browser';

const appUrl = inject('appUrl');
const registry = inject('registry');
const registryUrl = inject('registryUrl');
const buildx = inject('fixtures')['buildx-attestations'];
const { fixtures: f, indexes } = supplyFixtures();
const { withPage } = useBrowser();
let api: ReferrersRegistry;

beforeAll(async () => {
	api = await startReferrersRegistry(registryUrl, indexes);
});
afterAll(async () => {
	await api?.stop();
});

const item = (page: Page, by: { digest?: string; kind?: string; source?: string }): Locator =>
	page.locator(
		`[data-testid="referrer-item"]${by.digest ? `[data-digest="${by.digest}"]` : ''}${by.kind ? `[data-kind="${by.kind}"]` : ''}${by.source ? `[data-source="${by.source}"]` : ''}`
	);
/** The cosign `.sig` referrer, and cosign v3's bundle referrer (found through the fallback tag). */
const SIG = { kind: 'signature', source: 'cosign-tag' };
const BUNDLE = { kind: 'signature', source: 'fallback-tag' };
const bundleVerdict = (page: Page) => item(page, BUNDLE).getByTestId('signature-status').getAttribute('data-verdict');

/** The verdicts of the signature referrer's four layers, once all are read. */
async function signatureVerdicts(page: Page): Promise<(string | null)[]> {
	const statuses = item(page, SIG).getByTestId('signature-status');
	if ((await statuses.count()) < 4) return [];
	return statuses.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-verdict')}|${e.textContent}`));
}

/** Runs `fn` on a fresh page showing `ref` verified with its referrers report, with the page's uncaught errors. */
function open(look: Look, ref: string, fn: (page: Page, errors: string[]) => Promise<void>, platform?: string): Promise<void> {
	return withPage(async (page) => {
		const errors = pageErrors(page);
		await page.goto(permalink(appUrl, ref, platform));
		expect(await verdict(page)).toContain('verified');
		await page.getByTestId('referrers-report').waitFor();
		await fn(page, errors);
	}, look);
}

describe('registry 2.8 (no referrers API)', () => {
	test('lists each referrer with its kind and says which paths gave what', async () => {
		await open('light', `${registry}/${f.repository}:latest`, async (page, errors) => {
			const report = (await page.getByTestId('referrers-report').textContent()) ?? '';
			expect(report).toContain('referrers API: not supported by this registry (404)');
			expect(report).toContain(`fallback tag: 4 referrers (tag ${f.fallbackTag})`);
			expect(report).toContain('cosign tags: signature, attestation');
			const kinds = await page.getByTestId('referrer-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
			expect(kinds.sort()).toEqual(['attestation', 'sbom', 'sbom', 'sbom', 'signature', 'signature']);
			expect(await item(page, { digest: f.wrongSubject }).getByTestId('referrer-problem').textContent()).toContain(f.otherDigest);
			expect(await item(page, { digest: f.overCap }).getByTestId('document-too-large').textContent()).toContain('over this page');

			// No key yet: keyless is checked with its certificate's key (and says what is not checked); the rest wait for a key.
			await expect.poll(() => signatureVerdicts(page)).toHaveLength(4);
			const before = await signatureVerdicts(page);
			expect(before.map((v) => v?.split('|')[0])).toEqual(['unchecked', 'verified', 'different-image', 'unchecked']);
			expect(before[1]).toContain('Rekor inclusion were not checked');
			expect(before[2]).toContain('different image');
			expect(await item(page, SIG).getByTestId('signature-identity').first().textContent()).toContain(KEYLESS_IDENTITY);
			expect(await item(page, SIG).getByTestId('signature-issuer').first().textContent()).toBe(KEYLESS_ISSUER);
			expect(await item(page, SIG).getByTestId('signature-rekor').first().textContent()).toContain('log index 7654321');
			expect(await item(page, { kind: 'attestation' }).getByTestId('slsa-builder').textContent()).toBe(
				'https://github.com/example/app/actions/runs/1'
			);
			// cosign v3: a Sigstore bundle referrer, key-based, so unchecked until a key is given; its Rekor entry is shown.
			await expect.poll(() => bundleVerdict(page)).toBe('unchecked');
			expect(await item(page, BUNDLE).getByTestId('bundle-rekor').textContent()).toContain('log index 123456');
			expect(errors).toEqual([]);
			await shot(page, 'supply-light');
		});
	});

	test('the right key verifies, a wrong key does not, another image is called out', async () => {
		await open('light', `${registry}/${f.repository}:latest`, async (page, errors) => {
			await expect.poll(() => signatureVerdicts(page)).toHaveLength(4);
			await page.getByTestId('signature-key-input').fill(SIGNING_PUBLIC_PEM);
			await expect
				.poll(async () => (await signatureVerdicts(page)).map((v) => v?.split('|')[0]))
				.toEqual(['verified', 'does-not-verify', 'different-image', 'does-not-verify']);
			const right = await signatureVerdicts(page);
			expect(right[0]).toContain('verified with the EC P-256 key you gave');
			expect(right[3]).toContain('does not verify');
			// The DSSE envelope of the provenance, signed with the same key.
			await expect
				.poll(() => item(page, { kind: 'attestation' }).getByTestId('signature-status').first().getAttribute('data-verdict'))
				.toBe('verified');

			await expect.poll(() => bundleVerdict(page)).toBe('verified');

			await page.getByTestId('signature-key-input').fill(OTHER_PUBLIC_PEM);
			await expect
				.poll(async () => (await signatureVerdicts(page)).map((v) => v?.split('|')[0]))
				.toEqual(['does-not-verify', 'does-not-verify', 'different-image', 'does-not-verify']);
			expect((await signatureVerdicts(page))[0]).toContain('does not verify');
			await expect.poll(() => bundleVerdict(page)).toBe('does-not-verify');

			await page.getByTestId('signature-key-input').fill('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----');
			await page.getByTestId('signature-key-error').waitFor();
			expect(await page.getByTestId('signature-key-error').textContent()).toContain('never paste a private key');
			expect(errors).toEqual([]);
		});
	});

	test('the SBOM is fetched on demand, verified, and its table filters', async () => {
		await open('light', `${registry}/${f.repository}:latest`, async (page, errors) => {
			const cdx = item(page, { digest: f.cyclonedx });
			await cdx.getByTestId('document-load').click();
			await cdx.getByTestId('sbom-package').first().waitFor();
			expect(await cdx.getByTestId('sbom-package').count()).toBe(CDX_PACKAGES.length);
			await cdx.getByTestId('sbom-filter').fill('musl');
			await expect.poll(() => cdx.getByTestId('sbom-package').count()).toBe(1);
			expect(await cdx.getByTestId('sbom-package').textContent()).toContain('pkg:apk/alpine/musl@1.2.5');
			await cdx.getByTestId('sbom-filter').fill('pkg:deb');
			await expect.poll(() => cdx.getByTestId('sbom-package').count()).toBe(2);
			// The SPDX 2.3 SBOM inside the .att DSSE envelope: read on demand too, its envelope checked, its table shown.
			const att = item(page, { kind: 'attestation', source: 'cosign-tag' });
			await att.getByTestId('document-load').click();
			await att.getByTestId('sbom-package').first().waitFor();
			expect(await att.getByTestId('sbom-package').allTextContents()).toEqual([
				expect.stringContaining('bash'),
				expect.stringContaining('coreutils')
			]);
			expect(await att.getByTestId('sbom-package').nth(1).textContent()).not.toContain('NOASSERTION');
			expect(errors).toEqual([]);
		});
	});

	test.each(['dark', 'phone'] as const)('%s: readable, no horizontal scroll', async (look) => {
		await open(look, `${registry}/${f.repository}:latest`, async (page, errors) => {
			await expect.poll(() => signatureVerdicts(page)).toHaveLength(4);
			await page.getByTestId('signature-key-input').fill(SIGNING_PUBLIC_PEM);
			const cdx = item(page, { digest: f.cyclonedx });
			await cdx.getByTestId('document-load').click();
			await cdx.getByTestId('sbom-package').first().waitFor();
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(look === 'phone' ? 375 : 1280);
			expect(errors).toEqual([]);
			await shot(page, `supply-${look}`);
			// Close-ups of the parts people read (a full page is too tall to look at).
			await item(page, SIG).screenshot({ path: `${SHOTS}/supply-${look}-signature.png` });
			await cdx.screenshot({ path: `${SHOTS}/supply-${look}-sbom.png` });
		});
	});

	test('a signature manifest opens as a signature artifact, without pull commands or config rows', async () => {
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, `${registry}/${f.repository}:${f.signatureTag}`));
			expect(await verdict(page)).toContain('verified');
			const panel = page.getByTestId('artifact-panel');
			await panel.waitFor();
			expect(await panel.getAttribute('data-kind')).toBe('signature');
			expect(await page.getByTestId('artifact-document').count()).toBe(4);
			expect(await page.locator('#commands').count()).toBe(0);
			expect(await page.locator('#supply').count()).toBe(0);
			expect(await page.locator('#config').innerText()).toContain('not a runnable image');
			await shot(page, 'supply-signature-artifact');
		});
	});
});

describe('registry with the referrers API', () => {
	test('found by the API, deduplicated, and a listed manifest that does not exist is flagged', async () => {
		await open('light', `${api.host}/${f.repository}@${f.digest}`, async (page, errors) => {
			const report = (await page.getByTestId('referrers-report').textContent()) ?? '';
			expect(report).toContain('referrers API: 3 referrers');
			expect(report).toContain('fallback tag: 4 referrers');
			expect(await page.getByTestId('referrer-item').count()).toBe(6);
			expect(await item(page, { digest: f.missing }).getByTestId('referrer-problem').textContent()).toContain(
				'does not have this manifest (404)'
			);
			expect(errors).toEqual([]);
		});
	});
});

describe('a multi-platform image: referrers of the index and of the platform shown', () => {
	const m = multiFixtures();
	const group = (page: Page, digest: string) => page.locator(`[data-testid="referrers-group"][data-subject="${digest}"]`);
	test.each(['light', 'dark', 'phone'] as const)('%s: grouped by subject, cosign .sbom read, Notation signatures checked', async (look) => {
		await open(
			look,
			`${registry}/${m.repository}:latest`,
			async (page, errors) => {
				const lookups = page.getByTestId('referrers-lookup');
				expect(await lookups.count()).toBe(2);
				expect(await lookups.nth(0).textContent()).toContain('For the index:');
				expect(await lookups.nth(0).textContent()).toContain('buildx attestations: 2 attestation manifests');
				expect(await lookups.nth(1).textContent()).toContain('For the platform image linux/arm64:');
				expect(await lookups.nth(1).textContent()).toContain('cosign tags: SBOM');
				// The index's own signature; each buildx attestation under the platform it describes.
				expect(
					await group(page, m.index)
						.getByTestId('referrer-item')
						.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))
				).toEqual(['signature']);
				const arm = group(page, m.arm64);
				expect(await arm.getAttribute('data-label')).toBe('linux/arm64');
				expect(
					(
						await arm
							.getByTestId('referrer-item')
							.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}/${e.getAttribute('data-source')}`))
					).sort()
				).toEqual(['attestation/buildx', 'sbom/cosign-tag', 'signature/fallback-tag', 'signature/fallback-tag']);
				expect(
					await group(page, m.amd64)
						.getByTestId('referrer-item')
						.evaluateAll((els) => els.map((e) => e.getAttribute('data-source')))
				).toEqual(['buildx']);

				// Notation: the signed digest checked against this platform image, the certificate's subject, no trust policy.
				const notation = arm.locator('[data-testid="referrer-item"][data-source="fallback-tag"]');
				await expect
					.poll(() => notation.getByTestId('signature-status').evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')).sort()))
					.toEqual(['different-image', 'verified']);
				expect(await notation.getByTestId('notation-signer').first().textContent()).toContain(NOTATION_IDENTITY);
				expect(await notation.getByTestId('notation-caveat').first().textContent()).toContain('trust policy not evaluated');
				expect(await notation.getByTestId('signature-status').allTextContents()).toContainEqual(expect.stringContaining('trust policy'));

				// cosign's .sbom: read on demand, verified, its packages listed.
				const sbom = arm.locator('[data-testid="referrer-item"][data-source="cosign-tag"]');
				await sbom.getByTestId('document-load').click();
				await sbom.getByTestId('sbom-package').first().waitFor();
				expect(await sbom.getByTestId('sbom-package').count()).toBe(COSIGN_SBOM_PACKAGES.length);
				expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(look === 'phone' ? 375 : 1280);
				expect(errors).toEqual([]);
				await shot(page, `supply-multi-${look}`);
				await arm.screenshot({ path: `${SHOTS}/supply-multi-${look}-arm64.png` });
			},
			'linux/arm64'
		);
	});
});

describe('buildx attestation manifests in an index', () => {
	test('one attestation per platform image, its raw statement decoded (unsigned, digest-checked)', async () => {
		await open('light', `${registry}/${buildx.repository}:latest`, async (page, errors) => {
			expect(await page.getByTestId('referrers-report').textContent()).toContain('buildx attestations: 2 attestation manifests');
			const items = page.locator('[data-testid="referrer-item"][data-kind="attestation"][data-source="buildx"]');
			expect(await items.count()).toBe(2);
			const first = items.first();
			await first.getByTestId('statement-subject').waitFor();
			expect(await first.getByTestId('statement-subject').textContent()).toContain('1, ');
			expect(await first.textContent()).toContain('provenance v0.2');
			expect(await first.textContent()).toContain('Unsigned statement');
			expect(await first.getByTestId('referrer-problem').count()).toBe(0);
			expect(errors).toEqual([]);
		});
	});
});
