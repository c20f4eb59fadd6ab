/**
 * The layer browser in Chromium against the real registry and the misbehaving one: browse a layer (checked
 * in a worker), open a file, a file permalink that fetches only its layer, the final filesystem with a
 * whiteout-deleted file, mismatches in red, and cancel ending the transfer at the registry.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { pageErrors, permalink, shot, useBrowser, verdict } from './browser';
import { startBadRegistry, type BadRegistry } from '../support/bad-registry';
import { ESTARGZ_FILES, ESTARGZ_MOTD, LONG_PATH, LONG_TARGET, OS_RELEASE_V1, OS_RELEASE_V2 } from '../fixtures/layers';

const appUrl = inject('appUrl');
const fixtures = inject('fixtures');
const mixed = fixtures['layers-mixed'];
const { withPage } = useBrowser();
let bad: BadRegistry;

beforeAll(async () => {
	bad = await startBadRegistry();
});
afterAll(async () => {
	await bad?.close();
});

/**
 * Opens `url` on the page, noting page errors, the layers the page streams and what fetches the image
 * chain (index, manifest, config) for the page to verify, and waits for the verified image.
 */
async function open(
	page: Page,
	ctx: BrowserContext,
	url: string
): Promise<{ errors: string[]; layerRequests: string[]; chainRequests: string[] }> {
	const errors = pageErrors(page);
	const layerRequests: string[] = [];
	const chainRequests: string[] = [];
	ctx.on('request', (r) => {
		const u = new URL(r.url());
		if (u.pathname === '/api/registry/blob' && u.searchParams.get('layer') === '1') layerRequests.push(u.searchParams.get('digest') ?? '');
		else if (['/api/chain', '/api/registry/manifest', '/api/registry/blob'].includes(u.pathname)) chainRequests.push(u.pathname + u.search);
	});
	await page.goto(url);
	expect(await verdict(page)).toContain('verified');
	return { errors, layerRequests, chainRequests };
}

async function layerStatus(page: Page): Promise<string> {
	const s = page.getByTestId('layer-verify-status');
	await expect.poll(async () => (await s.textContent()) ?? '', { timeout: 30_000 }).toMatch(/verified|mismatch|Failed|Cancelled/);
	return (await s.textContent()) ?? '';
}

describe('layer browser', () => {
	test('browse the base layer: verified, every entry listed with its details; open a file', async () => {
		for (const look of ['light', 'dark', 'phone'] as const) {
			await withPage(async (page, ctx) => {
				const { errors, chainRequests } = await open(page, ctx, permalink(appUrl, mixed.ref));
				const chainBefore = [...chainRequests];
				await page.getByTestId('layer-browse').first().click();
				expect(await layerStatus(page)).toContain('verified');
				expect(page.url()).toContain(`layer=${mixed.layerDigests[0]}`);
				// The list view shows every path at once.
				await page.getByRole('button', { name: 'List' }).click();
				const paths = await page.getByTestId('file-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
				expect(paths).toContain(LONG_PATH);
				expect(paths).toContain('data/caf\\xe9.txt');
				expect(paths).toContain('dev/null');
				const link = page.locator('[data-testid="file-row"][data-path="usr/bin/long-link"]');
				expect(await link.textContent()).toContain(LONG_TARGET);
				expect(await page.locator('[data-testid="file-row"][data-path="bin/sh-hardlink"]').textContent()).toContain('⇒ /bin/sh');
				await page.getByPlaceholder('path contains…').fill('os-release');
				await page.locator('[data-testid="file-row"][data-path="etc/os-release"] a').click();
				const content = page.getByTestId('file-content');
				await expect.poll(async () => (await content.textContent()) ?? '', { timeout: 30_000 }).toContain('VERSION_ID=1');
				expect(await content.locator('pre').textContent()).toBe(OS_RELEASE_V1);
				expect(decodeURIComponent(page.url())).toContain('path=/etc/os-release');
				// ?layer= and &path= are the layer browser's: the verified chain is neither fetched nor checked again.
				expect(chainRequests).toEqual(chainBefore);
				expect(await verdict(page)).toContain('verified');
				const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
				expect(overflow).toBeLessThanOrEqual(0);
				await page.locator('#files').scrollIntoViewIfNeeded();
				await shot(page, `layers-browse-${look}`);
				expect(errors).toEqual([]);
			}, look);
		}
	});

	test('a permalink to a file path opens it, fetching only that layer', async () => {
		const url = `${permalink(appUrl, mixed.ref)}?layer=${mixed.layerDigests[1]}&path=/etc/os-release`;
		await withPage(async (page, ctx) => {
			const { errors, layerRequests } = await open(page, ctx, url);
			expect(await layerStatus(page)).toContain('verified');
			const content = page.getByTestId('file-content');
			await expect.poll(async () => (await content.locator('pre').textContent()) ?? '', { timeout: 30_000 }).toBe(OS_RELEASE_V2);
			expect(await content.textContent()).toContain('utf-8');
			expect(await page.locator('[data-testid="file-row"][data-path="etc/os-release"]').count()).toBe(1);
			expect(new Set(layerRequests)).toEqual(new Set([mixed.layerDigests[1]]));
			await shot(page, 'layers-file-permalink');
			expect(errors).toEqual([]);
		});
	});

	test('an eStargz layer (a gzip member per file) verifies and its files open', async () => {
		const estargz = fixtures['layers-estargz'];
		const url = `${permalink(appUrl, estargz.ref)}?layer=${estargz.layerDigests[0]}&path=/etc/motd`;
		await withPage(async (page, ctx) => {
			const { errors } = await open(page, ctx, url);
			expect(await layerStatus(page)).toContain('verified');
			const content = page.getByTestId('file-content');
			await expect.poll(async () => (await content.locator('pre').textContent()) ?? '', { timeout: 30_000 }).toBe(ESTARGZ_MOTD);
			await page.getByRole('button', { name: 'List' }).click();
			const paths = await page.getByTestId('file-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
			expect(paths.sort()).toEqual([...ESTARGZ_FILES.map((f) => f.replace(/\/$/, '')), 'stargz.index.json'].sort());
			expect(errors).toEqual([]);
		});
	});

	test('the final filesystem shows a whiteout-deleted file and an opaque directory’s files as deleted', async () => {
		await withPage(async (page, ctx) => {
			const { errors, chainRequests } = await open(page, ctx, permalink(appUrl, mixed.ref));
			const chainBefore = [...chainRequests];
			await page.getByTestId('analyse-layers').click();
			await page.getByTestId('final-fs').waitFor({ timeout: 60_000 });
			await page.getByPlaceholder('e.g. etc/').fill('gone');
			const gone = page.locator('[data-testid="final-row"][data-path="tmp/gone.txt"]');
			expect(await gone.getAttribute('data-state')).toBe('deleted');
			expect(await gone.textContent()).toContain('deleted by layer 3');
			await page.getByPlaceholder('e.g. etc/').fill('var/cache/app');
			const states = await page
				.getByTestId('final-row')
				.evaluateAll((els) => els.map((e) => [e.getAttribute('data-path'), e.getAttribute('data-state')]));
			expect(states).toEqual(
				expect.arrayContaining([
					['var/cache/app/one.bin', 'deleted'],
					['var/cache/app/three.bin', 'present']
				])
			);
			expect(await page.getByTestId('final-layer').count()).toBe(3);
			// The timeline's third step links to its layer, which then shows its changes.
			await page.getByTestId('layer-browse').nth(2).click();
			expect(await layerStatus(page)).toContain('verified');
			expect(await page.getByTestId('layer-changes').textContent()).toMatch(/adds 2, changes 0 and deletes 3 paths/);
			expect(chainRequests).toEqual(chainBefore);
			await shot(page, 'layers-final-fs');
			expect(errors).toEqual([]);
		});
	});

	test('bytes that do not match the layer digest, and a wrong diff_id, are a red mismatch with no files', async () => {
		const runs = [
			[`${bad.host}/layer/bad:v1`, 'light'],
			[`${bad.host}/layer/diffid:v1`, 'light'],
			[`${bad.host}/layer/diffid:v1`, 'dark'],
			[`${bad.host}/layer/diffid:v1`, 'phone']
		] as const;
		for (const [ref, look] of runs) {
			await withPage(async (page, ctx) => {
				await open(page, ctx, permalink(appUrl, ref));
				await page.getByTestId('layer-browse').first().click();
				expect(await layerStatus(page)).toContain('mismatch');
				expect(await page.getByTestId('file-row').count()).toBe(0);
				await shot(page, `layers-mismatch-${ref.includes('diffid') ? 'diffid' : 'digest'}${look === 'light' ? '' : `-${look}`}`);
			}, look);
		}
	});

	test('a layer the registry no longer has, and a transfer cut midway, say what happened and list no files', async () => {
		for (const [repo, said] of [
			['gone', /Failed[\s\S]*blob/i],
			// The proxy cuts a layer whose bytes do not match the same way, so the words say both.
			['cut', /mismatch[\s\S]*stopped after \d+ of \d+ bytes[\s\S]*dropped connection/]
		] as const) {
			await withPage(async (page, ctx) => {
				await open(page, ctx, permalink(appUrl, `${bad.host}/layer/${repo}:v1`));
				await page.getByTestId('layer-browse').first().click();
				const status = await layerStatus(page);
				await shot(page, `layers-${repo}`);
				expect(status).toMatch(said);
				expect(await page.getByTestId('file-row').count()).toBe(0);
			});
		}
	});

	test('cancel stops the transfer: the registry sees its connection closed', async () => {
		const before = bad.state.slowLayerAborted;
		await withPage(async (page, ctx) => {
			await open(page, ctx, permalink(appUrl, `${bad.host}/layer/slow:v1`));
			await page.getByTestId('layer-browse').first().click();
			const progress = page.getByTestId('layer-progress');
			await expect
				.poll(async () => (await progress.textContent()) ?? '', { timeout: 30_000 })
				.toMatch(/[1-9][\d.]* (KiB|MiB) of 8\.00 MiB/);
			expect(await progress.textContent()).toMatch(/MiB\/s/);
			await shot(page, 'layers-progress-phone');
			await page.getByRole('button', { name: 'Cancel' }).click();
			expect(await layerStatus(page)).toContain('Cancelled');
			await expect.poll(() => bad.state.slowLayerAborted, { timeout: 15_000 }).toBe(before + 1);
		}, 'phone');
	});
});
