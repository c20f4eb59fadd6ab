/**
 * The platform table's size column is each image's size (the sum of its compressed layers), read from its
 * manifest verified in the browser, not the byte count of the manifest: every row's figure equals the
 * sum of the layers its manifest lists, read here from the registry itself. A manifest served with other
 * bytes than its index entry names shows `mismatch` and no figure; one the registry lacks shows why, with
 * a retry button; leaving the page cancels what is still on its way. Uncompressed sizes appear once the layers were checked, equal to the gunzipped layers.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startBadRegistry, type BadRegistry } from '../support/bad-registry';
import { permalink, SHOTS, useBrowser, verdict } from './browser';

const appUrl = inject('appUrl');
const registry = inject('registry');
const fixtures = inject('fixtures');
const { withPage } = useBrowser();
let bad: BadRegistry;

beforeAll(async () => {
	bad = await startBadRegistry();
});
afterAll(async () => {
	await bad?.close();
});

const ACCEPT = [
	'application/vnd.oci.image.index.v1+json',
	'application/vnd.docker.distribution.manifest.list.v2+json',
	'application/vnd.oci.image.manifest.v1+json',
	'application/vnd.docker.distribution.manifest.v2+json'
].join(', ');

interface Json {
	manifests?: { digest: string; platform?: { os: string; architecture: string; variant?: string } }[];
	layers?: { digest: string; size: number }[];
}

/** A manifest straight from a registry (not through regscope). */
async function manifestOf(host: string, repository: string, target: string): Promise<Json> {
	const res = await fetch(`http://${host}/v2/${repository}/manifests/${target}`, { headers: { accept: ACCEPT } });
	if (!res.ok) throw new Error(`${host}/${repository}@${target}: HTTP ${res.status}`);
	return (await res.json()) as Json;
}

const layerSum = (m: Json) => (m.layers ?? []).reduce((n, l) => n + l.size, 0);

/** Each row's state and figure, by platform label. */
async function sizeCells(page: Page): Promise<Record<string, { state: string | null; bytes: string | null; text: string }>> {
	const rows = await page.getByTestId('platform-option').evaluateAll((trs) =>
		trs.map((tr) => {
			const cell = tr.querySelector('[data-testid="platform-size"]') as HTMLElement;
			return [
				tr.getAttribute('data-platform') ?? '',
				{ state: cell.getAttribute('data-size-state'), bytes: cell.getAttribute('data-bytes'), text: cell.innerText.trim() }
			] as const;
		})
	);
	return Object.fromEntries(rows);
}

/** A screenshot of the platform table alone (under test-results/e2e/). */
async function tableShot(page: Page, name: string): Promise<void> {
	mkdirSync(SHOTS, { recursive: true });
	await page.locator('#platforms').screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** Waits until no row is still being checked. */
async function settled(page: Page): Promise<void> {
	await page.waitForFunction(() => !document.querySelector('[data-testid="platform-size"][data-size-state="checking"]'), null, {
		timeout: 30_000
	});
}

describe('platform table sizes', () => {
	test('every platform of a multi-platform image shows the sum of its own layers', async () => {
		const f = fixtures['oci-index'];
		const expected = Object.fromEntries(
			await Promise.all(f.platforms.map(async (p) => [p, layerSum(await manifestOf(registry, f.repository, f.children[p]!.digest))]))
		);
		for (const [shown, look] of [
			[f.platforms[0]!, 'dark'],
			[f.platforms[1]!, 'phone']
		] as const) {
			await withPage(async (page) => {
				await page.goto(permalink(appUrl, f.ref, shown));
				expect(await verdict(page)).toContain('verified');
				await settled(page);
				const cells = await sizeCells(page);
				for (const p of f.platforms) {
					expect(cells[p]?.state, p).toBe('verified');
					expect(Number(cells[p]?.bytes), p).toBe(expected[p]);
				}
				expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
				await tableShot(page, `platform-sizes-${look}`);
			}, look);
		}
	});

	test('attestations get no size, and say so', async () => {
		const f = fixtures['buildx-attestations'];
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref, f.platforms[0]));
			expect(await verdict(page)).toContain('verified');
			await settled(page);
			const cells = await sizeCells(page);
			const attestations = Object.entries(cells).filter(([label]) => !f.platforms.includes(label));
			expect(attestations.length).toBe(f.attestations?.length);
			for (const [, cell] of attestations) expect(cell).toEqual({ state: 'none', bytes: null, text: 'attestation' });
			for (const p of f.platforms) {
				expect(Number(cells[p]?.bytes), p).toBe(layerSum(await manifestOf(registry, f.repository, f.children[p]!.digest)));
			}
		});
	});

	test('moving to another platform fetches no manifest already measured', async () => {
		const f = fixtures['oci-index'];
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref, f.platforms[0]));
			expect(await verdict(page)).toContain('verified');
			await settled(page);
			const fetched: string[] = [];
			page.on('request', (r) => {
				if (r.url().includes('/api/registry/manifest')) fetched.push(r.url());
			});
			await page.locator(`[data-testid="platform-option"][data-platform="${f.platforms[1]}"] a`).first().click();
			await page.waitForURL((u) => u.searchParams.get('platform') === f.platforms[1]);
			expect(await verdict(page)).toContain('verified');
			await settled(page);
			expect((await sizeCells(page))[f.platforms[0]!]?.state).toBe('verified');
			expect(fetched).toEqual([]);
		});
	});

	test('a tampered platform manifest shows mismatch and no figure; a missing one says why and offers a retry', async () => {
		const ref = `${bad.host}/bad/index:v1`;
		const amd64 = layerSum(await manifestOf(bad.host, 'bad/index', bad.image.manifestDigest));
		for (const look of ['light', 'phone'] as const) {
			await withPage(async (page) => {
				await page.goto(permalink(appUrl, ref, 'linux/amd64'));
				expect(await verdict(page)).toContain('verified');
				await settled(page);
				const cells = await sizeCells(page);
				expect(cells['linux/amd64']).toMatchObject({ state: 'verified', bytes: String(amd64) });
				expect(cells['linux/arm64']).toEqual({ state: 'mismatch', bytes: null, text: expect.stringMatching(/^mismatch/) });
				expect(cells['linux/s390x']).toMatchObject({ state: 'failed', bytes: null });
				expect(cells['linux/s390x']?.text).toMatch(/^not found/);
				const retry = page.locator('[data-platform="linux/s390x"] [data-testid="platform-size-retry"]');
				expect(await retry.isVisible()).toBe(true);
				const box = await retry.boundingBox();
				expect(box?.height).toBeGreaterThanOrEqual(24);
				await retry.click();
				await settled(page);
				expect((await sizeCells(page))['linux/s390x']?.state).toBe('failed');
				// The table fits a phone: the page does not scroll sideways.
				expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
				await tableShot(page, `platform-sizes-mismatch-${look}`);
			}, look);
		}
	});

	test('leaving the page aborts a size still being fetched', async () => {
		await withPage(async (page) => {
			const isSize = (url: string) => new URL(url).pathname === '/api/registry/manifest';
			const aborted: string[] = [];
			page.on('requestfailed', (r) => {
				if (isSize(r.url())) aborted.push(r.failure()?.errorText ?? '');
			});
			const asked = page.waitForRequest((r) => isSize(r.url()));
			await page.goto(permalink(appUrl, `${bad.host}/slow/index:v1`, 'linux/amd64'));
			expect(await verdict(page)).toContain('verified');
			await asked;
			expect((await sizeCells(page))['linux/arm64']?.state).toBe('checking');
			expect(aborted).toEqual([]);
			await page.getByRole('link', { name: 'regscope home' }).click();
			await page.waitForURL((u) => u.pathname === '/');
			await expect.poll(() => aborted).toEqual([expect.stringContaining('ABORTED')]);
		});
	});

	test('once every layer was checked, the shown platform also shows its uncompressed size', async () => {
		const f = fixtures['oci-index'];
		const platform = f.platforms[0]!;
		const manifest = await manifestOf(registry, f.repository, f.children[platform]!.digest);
		let uncompressed = 0;
		for (const l of manifest.layers ?? []) {
			const res = await fetch(`http://${registry}/v2/${f.repository}/blobs/${l.digest}`);
			uncompressed += gunzipSync(new Uint8Array(await res.arrayBuffer())).length;
		}
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref, platform));
			expect(await verdict(page)).toContain('verified');
			const row = page.locator(`[data-testid="platform-option"][data-platform="${platform}"]`);
			expect(await row.getByTestId('platform-uncompressed').count()).toBe(0);
			await page.getByTestId('analyse-layers').click();
			await page.getByTestId('final-fs').waitFor({ timeout: 60_000 });
			const figure = row.getByTestId('platform-uncompressed');
			await figure.waitFor();
			expect(Number(await figure.getAttribute('data-bytes'))).toBe(uncompressed);
			await tableShot(page, 'platform-sizes-uncompressed');
		});
	});
});
