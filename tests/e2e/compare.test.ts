/**
 * The compare page in Chromium: both sides verified as on a permalink, the sections agree with
 * `/api/compare`, reached from a permalink (previous tag, pick two) and from an index's platform list.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { CompareJson } from '$lib/oci/compare/json';
import { startBadRegistry, type BadRegistry } from '../support/bad-registry';
import { pageErrors, permalink, shot, useBrowser, type Look } from './browser';

const appUrl = inject('appUrl');
const fixtures = inject('fixtures');
const { withPage } = useBrowser();
let bad: BadRegistry;

beforeAll(async () => {
	bad = await startBadRegistry();
});
afterAll(async () => {
	await bad?.close();
});

const at = (f: { ref: string }, tag: string) => f.ref.replace(/:[^:/]+$/, `:${tag}`);
const comparePage = (a: string, b: string, extra = '') => `${appUrl}/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}${extra}`;

async function api(a: string, b: string, extra = ''): Promise<CompareJson> {
	const res = await fetch(`${appUrl}/api/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}${extra}`);
	expect(res.status).toBe(200);
	return (await res.json()) as CompareJson;
}

/** Waits for the comparison; both sides must have been verified in the page. */
async function summary(page: Page): Promise<string> {
	await page.getByTestId('compare-summary').waitFor();
	const verdicts = await page
		.locator('[data-testid="compare-side"] [data-testid="verify-status"]')
		.evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')));
	expect(verdicts).toEqual(['verified', 'verified']);
	return (await page.getByTestId('compare-summary').textContent()) ?? '';
}

async function sides(page: Page): Promise<string[]> {
	return page.getByTestId('compare-layer').evaluateAll((els) => els.map((e) => e.getAttribute('data-side') ?? ''));
}

describe('compare page', () => {
	for (const look of ['light', 'dark', 'phone'] as Look[]) {
		test(`two versions (${look}): the page shows what /api/compare says`, async () => {
			const old = fixtures['compare-old'];
			const neu = fixtures['compare-new'];
			await withPage(async (page) => {
				const errors = pageErrors(page);
				await page.goto(comparePage(old.ref, neu.ref));
				const text = await summary(page);
				expect(text).not.toContain('identical');
				const json = await api(old.ref, neu.ref);
				const s = await sides(page);
				expect(s.filter((x) => x === 'both')).toHaveLength(json.Layers.Shared.length);
				expect(s.filter((x) => x === 'a')).toHaveLength(json.Layers.OnlyA.length);
				expect(s.filter((x) => x === 'b')).toHaveLength(json.Layers.OnlyB.length);
				expect(s).toEqual(['both', 'both', 'a', 'b']);
				const keys = await page.getByTestId('compare-config-change').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
				expect(keys).toEqual(json.Config.map((c: { Key: string }) => c.Key));
				const env = await page.locator('[data-testid="compare-config-change"][data-key="Env"]').textContent();
				expect(env).toContain('APP_VERSION=1.4');
				expect(env).toContain('APP_VERSION=1.5');
				const steps = await page.getByTestId('compare-step').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
				expect(steps).toEqual(json.History.map((h: { Status: string }) => h.Status));
				expect(await page.getByTestId('compare-json').getAttribute('href')).toBe(`/api/compare?a=${old.ref}&b=${neu.ref}`);
				if (look === 'phone') expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
				// Open the collapsed shared layers for the screenshot.
				await page.locator('#layers details summary').first().click();
				await shot(page, `compare-versions-${look}`);
				expect(errors).toEqual([]);
			}, look);
		});
	}

	test('two tags of one image: identical', async () => {
		const neu = fixtures['compare-new'];
		await withPage(async (page) => {
			await page.goto(comparePage(at(neu, '1.5'), at(neu, '1.5.0')));
			expect(await summary(page)).toContain('identical');
			expect(await sides(page)).toEqual(['both', 'both', 'both']);
			expect(await page.getByTestId('compare-config-change').count()).toBe(0);
		});
	});

	test('a recompressed layer is recognised by its diff_id', async () => {
		await withPage(async (page) => {
			await page.goto(comparePage(fixtures['compare-old'].ref, fixtures['compare-regzip'].ref));
			expect(await summary(page)).toContain('recompressed');
			expect(await page.locator('[data-testid="compare-layer"][data-matched-by="diff_id"]').count()).toBe(1);
			expect(await page.getByTestId('recompressed').textContent()).toContain(fixtures['compare-old'].diffIds[1]);
		});
	});

	test('two indexes: platform sets, and each common platform opens its own comparison', async () => {
		const ia = fixtures['compare-index-a'];
		const ib = fixtures['compare-index-b'];
		await withPage(async (page) => {
			await page.goto(comparePage(ia.ref, ib.ref));
			await summary(page);
			const platforms = await page
				.getByTestId('compare-platform')
				.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-side')} ${e.textContent?.trim().split(/\s/)[0]}`));
			expect(platforms).toEqual(['both linux/amd64', 'both linux/arm64/v8', 'a linux/s390x', 'b linux/arm/v7']);
			await shot(page, 'compare-indexes-phone');
			await page.getByRole('link', { name: /linux\/arm64\/v8/ }).click();
			await page.waitForURL(/platformA=linux\/arm64\/v8&platformB=linux\/arm64/);
			const text = await summary(page);
			expect(text).toContain('Different images');
			const json = await api(ia.ref, ib.ref, '&platformA=linux/arm64/v8&platformB=linux/arm64');
			expect(await page.getByTestId('compare-config-change').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')))).toEqual(
				json.Config.map((c: { Key: string }) => c.Key)
			);
		}, 'phone');
	});

	test('a side whose bytes do not match its digest shows mismatch, and nothing is compared', async () => {
		const tampered = `${bad.host}/bad/digest@${bad.image.manifestDigest}`;
		await withPage(async (page) => {
			await page.goto(comparePage(fixtures['compare-old'].ref, tampered));
			const b = page.locator('[data-testid="compare-side"][data-name="B"] [data-testid="verify-status"]:not([data-verdict="checking"])');
			await b.waitFor();
			expect(await b.getAttribute('data-verdict')).toBe('mismatch');
			expect(
				await page.locator('[data-testid="compare-side"][data-name="B"] [data-testid="error-message"]').getAttribute('data-code')
			).toBe('DIGEST_MISMATCH');
			await expect
				.poll(() => page.locator('[data-testid="compare-side"][data-name="A"] [data-testid="verify-status"]').getAttribute('data-verdict'))
				.toBe('verified');
			expect(await page.getByTestId('compare-summary').count()).toBe(0);
			expect(await page.getByTestId('compare-layer').count()).toBe(0);
			const res = await fetch(
				`${appUrl}/api/compare?a=${encodeURIComponent(fixtures['compare-old'].ref)}&b=${encodeURIComponent(tampered)}`
			);
			expect(res.status).toBe(502);
			expect(((await res.json()) as { error: { code: string } }).error.code).toBe('DIGEST_MISMATCH');
			await shot(page, 'compare-mismatch-light');
		});
	});

	test('a bad reference in the query explains itself and offers the form', async () => {
		await withPage(async (page) => {
			await page.goto(comparePage('Bad::Ref', fixtures['compare-old'].ref));
			expect(await page.getByTestId('error-message').getAttribute('data-code')).toBe('INVALID_REFERENCE');
			await page.getByTestId('compare-form').waitFor();
		});
	});
});

/** Digests of the layers the page fetched (the layer worker's requests to the proxy). */
function layerRequests(page: Page): string[] {
	const seen: string[] = [];
	page.context().on('request', (r) => {
		const u = new URL(r.url());
		if (u.pathname === '/api/registry/blob' && u.searchParams.get('layer') === '1') seen.push(u.searchParams.get('digest') ?? '');
	});
	return seen;
}

async function filesOutcome(page: Page): Promise<void> {
	await expect
		.poll(async () => (await page.locator('[data-testid="compare-files-summary"], [data-testid="compare-files-problem"]').count()) > 0, {
			timeout: 60_000
		})
		.toBe(true);
}

describe('files compared', () => {
	for (const look of ['light', 'dark', 'phone'] as Look[]) {
		test(`two versions (${look}): only the differing layer's paths, each layer fetched once`, async () => {
			const old = fixtures['compare-old'];
			const neu = fixtures['compare-new'];
			await withPage(async (page) => {
				const errors = pageErrors(page);
				const fetched = layerRequests(page);
				await page.goto(comparePage(old.ref, neu.ref));
				await summary(page);
				// Nothing is downloaded until asked.
				expect(await page.getByTestId('compare-files-start').textContent()).toContain('Compare files');
				expect(fetched).toEqual([]);
				await page.getByTestId('compare-files-start').click();
				await filesOutcome(page);
				const rows = await page
					.getByTestId('compare-file')
					.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-change')} ${e.getAttribute('data-path')}`));
				// Same sizes and modes on both sides: only the content digests tell these apart.
				expect(rows).toEqual(['changed app/VERSION', 'changed app/main.sh', 'changed app/notes.txt']);
				expect(await page.getByTestId('compare-files-summary').textContent()).toContain('0 added · 0 removed · 3 changed');
				// The two shared base layers once, each app layer once.
				const distinct = [...new Set([...old.layerDigests, ...neu.layerDigests])];
				expect([...fetched].sort()).toEqual(distinct.sort());
				await page.fill('#file-filter', 'main');
				await expect.poll(() => page.getByTestId('compare-file').count(), { timeout: 5_000 }).toBe(1);
				await page.fill('#file-filter', '');
				if (look === 'phone') expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
				await page.locator('#files').scrollIntoViewIfNeeded();
				await shot(page, `compare-files-${look}`);
				expect(errors).toEqual([]);
			}, look);
		});
	}

	test('a layer whose diff_id does not match: nothing from it is compared', async () => {
		await withPage(async (page) => {
			await page.goto(comparePage(fixtures['compare-old'].ref, `${bad.host}/layer/diffid:v1`));
			await summary(page);
			await page.getByTestId('compare-files-start').click();
			await filesOutcome(page);
			expect(await page.getByTestId('compare-files-problem').textContent()).toMatch(/was not verified/);
			expect(await page.getByTestId('compare-file').count()).toBe(0);
			await shot(page, 'compare-files-mismatch-light');
		});
	});

	test('cancel stops the transfer: the registry sees its connection closed', async () => {
		const before = bad.state.slowLayerAborted;
		await withPage(async (page) => {
			// The slow layer on side A: it is the first one fetched.
			await page.goto(comparePage(`${bad.host}/layer/slow:v1`, fixtures['compare-old'].ref));
			await summary(page);
			await page.getByTestId('compare-files-start').click();
			const progress = page.getByTestId('compare-files-progress');
			await expect.poll(async () => (await progress.textContent()) ?? '', { timeout: 30_000 }).toMatch(/[1-9][\d.]* (KiB|MiB) of/);
			await shot(page, 'compare-files-progress-phone');
			await page.getByTestId('compare-files-cancel').click();
			await expect
				.poll(async () => (await page.getByRole('status').filter({ hasText: 'Cancelled' }).count()) > 0, { timeout: 10_000 })
				.toBe(true);
			await expect.poll(() => bad.state.slowLayerAborted, { timeout: 15_000 }).toBe(before + 1);
			expect(await page.getByTestId('compare-file').count()).toBe(0);
		}, 'phone');
	});
});

describe('reached from a permalink', () => {
	test('"compare with the previous tag" opens 1.4 vs 1.5', async () => {
		const neu = fixtures['compare-new'];
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, neu.ref));
			const link = page.getByTestId('compare-previous');
			expect(await link.textContent()).toContain('1.4');
			await link.click();
			await page.waitForURL(/\/compare\?/);
			const url = new URL(page.url());
			expect(url.searchParams.get('a')).toBe(at(neu, '1.4'));
			expect(url.searchParams.get('b')).toBe(neu.ref);
			expect(await summary(page)).not.toContain('identical');
		});
	});

	test('pick two tags from the tag list', async () => {
		const neu = fixtures['compare-new'];
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, neu.ref));
			await page.getByText('Compare with… (pick two tags').click();
			await page.locator('#compare-with-choices option').first().waitFor({ state: 'attached' });
			const options = await page.locator('#compare-with-choices option').evaluateAll((els) => els.map((e) => e.textContent));
			expect([...options].sort()).toEqual(['1.4', '1.5', '1.5.0']);
			expect(await page.inputValue('#compare-with-a')).toBe(at(neu, '1.4'));
			await page.fill('#compare-with-a', at(neu, '1.5.0'));
			await shot(page, 'compare-from-permalink-dark');
			// By keyboard: the datalist's native suggestion popup can take a mouse click.
			const submit = page.getByRole('button', { name: 'Compare', exact: true });
			await submit.focus();
			await submit.press('Enter');
			// A client-side navigation (goto): no load event to wait for.
			await page.waitForFunction(() => location.pathname === '/compare');
			expect(await summary(page)).toContain('identical');
		}, 'dark');
	});
});
