/**
 * Every fixture kind in a real browser against the real registry: the right number of layer and
 * history rows, platform switching without a reload, attestations labelled, tags linking to their
 * permalinks.
 */
import { describe, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { ImageFixture, IndexFixture, Schema1Fixture } from '../fixtures/fixtures';
import { pageErrors, permalink, shot, useBrowser, verdict } from './browser';

const appUrl = inject('appUrl');
const fixtures = inject('fixtures');
const { withPage } = useBrowser();

// Docker schema1 (deprecated) renders like any single image, without a config object (see schema1.test.ts).
const images = Object.values(fixtures).filter(
	(f): f is ImageFixture | Schema1Fixture => f.kind === 'image' || f.kind === 'artifact' || f.kind === 'schema1'
);
const indexes = Object.values(fixtures).filter((f): f is IndexFixture => f.kind === 'index');

async function rows(page: Page): Promise<{ layers: number; history: number }> {
	return {
		layers: await page.getByTestId('layer-row').count(),
		history: await page.getByTestId('history-row').count()
	};
}

describe('single images', () => {
	test.each(images.map((f) => [f.key, f] as const))('%s: verified, with its layers and history', async (key, f) => {
		await withPage(async (page) => {
			const errors = pageErrors(page);
			await page.goto(permalink(appUrl, f.ref));
			expect(await verdict(page)).toContain('verified');
			expect(await page.getByTestId('manifest-digest').textContent()).toBe(f.digest);
			expect(await rows(page)).toEqual({ layers: f.layerCount, history: f.historyCount });
			// Every layer digest of the manifest is shown (short, with the full one in the title).
			const titles = await page
				.locator('[data-testid="layer-row"] code[title]')
				.evaluateAll((els) => els.map((e) => e.getAttribute('title')));
			for (const d of f.layerDigests) expect(titles).toContain(d);
			expect(await page.getByTestId('platform-option').count()).toBe(0);
			if (f.kind === 'artifact') {
				expect(await page.locator('#config').textContent()).toContain('not an image config');
			} else if (f.kind === 'schema1') {
				expect(await page.locator('[data-testid="verify-object"][data-kind="config"]').count()).toBe(0);
				expect(await page.getByTestId('schema1-config-note').textContent()).toContain('No config blob and no diff_ids');
			} else {
				expect(await page.locator('[data-testid="verify-object"][data-kind="config"]').count()).toBe(1);
			}
			expect(errors).toEqual([]);
			if (key === 'docker-v2' || key === 'artifact-empty-config') await shot(page, `image-${key}-light`);
		});
	});
});

describe('indexes', () => {
	const cases = indexes.flatMap((f) => f.platforms.map((p) => [`${f.key} ${p}`, f, p] as const));
	test.each(cases)('%s: the chosen platform is verified against the index, with its rows', async (_name, f, platform) => {
		const child = f.children[platform];
		expect(child).toBeDefined();
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref, platform));
			expect(await verdict(page)).toContain('verified');
			expect(await page.getByTestId('manifest-digest').textContent()).toBe(f.digest);
			expect(await page.getByTestId('platform-manifest-digest').textContent()).toBe(child?.digest);
			expect(await rows(page)).toEqual({ layers: f.layerCount[platform], history: f.historyCount[platform] });
			const objects = page.getByTestId('verify-object');
			expect(await objects.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}:${e.getAttribute('data-basis')}`))).toEqual([
				'index:header',
				'manifest:parent',
				'config:parent'
			]);
		});
	});

	test('choosing a platform updates ?platform= without a full reload', async () => {
		const f = fixtures['oci-index'];
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref));
			expect(await verdict(page)).toContain('verified');
			const options = page.getByTestId('platform-option');
			expect(await options.evaluateAll((els) => els.map((e) => e.getAttribute('data-platform')))).toEqual(f.platforms);
			expect(await page.getByTestId('platform-manifest-digest').textContent()).toBe(f.children['linux/amd64']?.digest);
			await shot(page, 'index-oci-index-light');

			await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
			const target = 'linux/arm/v7';
			await page.locator(`[data-testid="platform-option"][data-platform="${target}"] a`).click();
			await page.waitForURL(permalink(appUrl, f.ref, target));
			await expect.poll(() => page.getByTestId('platform-manifest-digest').textContent()).toBe(f.children[target]?.digest);
			expect(await verdict(page)).toContain('verified');
			expect(await rows(page)).toEqual({ layers: f.layerCount[target], history: f.historyCount[target] });
			// Same document: a full reload would have lost the marker.
			expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
			expect(await page.locator(`[data-testid="platform-option"][data-platform="${target}"] a`).getAttribute('aria-current')).toBe('true');
		});
	});

	test('attestation entries are listed and labelled as such, never chosen as a platform', async () => {
		const f = fixtures['buildx-attestations'];
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref));
			expect(await verdict(page)).toContain('verified');
			const att = page.locator('[data-testid="platform-option"][data-attestation="true"]');
			expect(await att.count()).toBe(f.attestations?.length ?? -1);
			for (const text of await att.allTextContents()) expect(text).toContain('attestation for');
			const images = page.locator('[data-testid="platform-option"]:not([data-attestation])');
			expect(await images.evaluateAll((els) => els.map((e) => e.getAttribute('data-platform')))).toEqual(f.platforms);
			await shot(page, 'index-buildx-attestations-light');
		});
	});

	test('a platform the index lacks is an error that lists the platforms it has', async () => {
		const f = fixtures['docker-list'];
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref, 'linux/s390x'));
			const text = await verdict(page);
			expect(text).not.toContain('verified');
			expect(text).not.toContain('mismatch');
			const error = page.getByTestId('error-message');
			expect(await error.getAttribute('data-code')).toBe('NO_MATCHING_PLATFORM');
			expect(await error.locator('a').allTextContents()).toEqual(f.platforms);
			await error.locator('a', { hasText: 'linux/arm64' }).first().click();
			// Until the navigation lands, the failed verdict of the platform asked for is still on screen.
			await page.waitForURL(/platform=linux\/arm64/);
			await expect.poll(() => verdict(page), { timeout: 30_000 }).toContain('verified');
		});
	});
});

describe('raw JSON', () => {
	test('every digest in the raw index and manifest links to its object', async () => {
		const f = fixtures['oci-index'];
		const child = f.children['linux/amd64'];
		const repo = f.ref.replace(/:[^:/]+$/, '');
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref));
			expect(await verdict(page)).toContain('verified');
			await page.getByTestId('show-raw').click();
			const raw = page.locator('#raw pre');
			await raw.waitFor();
			const hrefs = await raw.locator('a').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
			for (const p of f.platforms) expect(hrefs).toContain(`/r/${repo}@${f.children[p]?.digest}`);
			await page.getByRole('tab', { name: 'Manifest' }).click();
			const manifestLinks = await raw.locator('a').evaluateAll((els) => els.map((e) => [e.textContent, e.getAttribute('href')]));
			expect(manifestLinks).toContainEqual([`"${child?.configDigest}"`, '#config']);
			for (const d of child?.layerDigests ?? []) expect(manifestLinks).toContainEqual([`"${d}"`, `#layer-${d.replace(':', '-')}`]);
			await raw.locator('a', { hasText: child?.layerDigests[0] ?? '-' }).click();
			expect(page.url()).toContain(`#layer-${child?.layerDigests[0]?.replace(':', '-')}`);
			expect(await page.locator(`li[id="layer-${child?.layerDigests[0]?.replace(':', '-')}"] [data-testid="layer-row"]`).count()).toBe(1);
		});
	});
});

describe('tags', () => {
	test('every tag is listed and links to its permalink', async () => {
		const f = fixtures['oci-annotated'];
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref));
			const items = page.getByTestId('tag-item');
			await items.first().waitFor();
			expect((await items.allTextContents()).map((t) => t.trim()).sort()).toEqual([...f.tags].sort());
			const other = f.tags.find((t) => !f.ref.endsWith(`:${t}`)) ?? '';
			await items.getByRole('link', { name: other, exact: true }).click();
			await page.waitForURL(permalink(appUrl, `${f.ref.replace(/:[^:/]+$/, '')}:${other}`));
			expect(await verdict(page)).toContain('verified');
			expect(await page.getByTestId('manifest-digest').textContent()).toBe(f.digest);
		});
	});

	test('the tag filter narrows a long list', async () => {
		const f = fixtures['many-tags'];
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref));
			const items = page.getByTestId('tag-item');
			await items.first().waitFor();
			expect(await items.count()).toBe(Math.min(f.tags.length, 200));
			const needle = f.tags[f.tags.length - 1] ?? '';
			await page.fill('#tag-filter', needle);
			await expect.poll(() => items.count()).toBe(f.tags.filter((t) => t.toLowerCase().includes(needle.toLowerCase())).length);
			expect(await items.allTextContents()).toContain(needle);
		});
	});
});
