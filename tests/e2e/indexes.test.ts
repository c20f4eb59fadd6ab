/**
 * Indexes of every shape in the browser (tests/fixtures/indexes.ts): every entry listed and
 * reachable by URL, each level verified, no section left loading, keys that never collide.
 */
import { describe, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { BuiltImage, BuiltIndex } from '../fixtures/image';
import { INDEX_SHAPES_REPOSITORY, WINDOWS_VERSIONS, indexShapes } from '../fixtures/indexes';
import { pageErrors, permalink, shot, useBrowser, verdict, type Look } from './browser';

const appUrl = inject('appUrl');
const registry = inject('registry');
const shapes = indexShapes();
const repo = `${registry}/${INDEX_SHAPES_REPOSITORY}`;
const { withPage } = useBrowser();

function child(index: BuiltIndex, i: number): BuiltImage | BuiltIndex {
	const target = index.entries[i]?.target;
	if (!target) throw new Error(`index has no entry ${i}`);
	return target;
}

/** After the verdict, no section may still say it is loading. */
async function settled(page: Page): Promise<string> {
	const v = await verdict(page);
	await expect.poll(() => page.locator('[aria-busy="true"]').count()).toBe(0);
	return v;
}

/** Runs `fn` on a fresh page opened at `url`, with the page's uncaught errors. */
function open(look: Look, url: string, fn: (page: Page, errors: string[]) => Promise<void>): Promise<void> {
	return withPage(async (page) => {
		const errors = pageErrors(page);
		await page.goto(url);
		await fn(page, errors);
	}, look);
}

describe('an index without platforms', () => {
	const { tag, built } = shapes.referrers;

	test.each(['light', 'dark', 'phone'] as const)('shows its entries as links (%s)', async (look) => {
		await open(look, permalink(appUrl, `${repo}:${tag}`), async (page, errors) => {
			expect(await settled(page)).toContain('verified');
			expect(await page.getByTestId('manifest-digest').textContent()).toBe(built.manifest.digest);
			const entries = page.getByTestId('index-entry');
			expect(await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-digest')))).toEqual([
				child(built, 0).manifest.digest,
				child(built, 1).manifest.digest
			]);
			expect(await page.getByTestId('platform-option').count()).toBe(0);
			expect(await page.locator('#raw').textContent()).toContain('Index');
			if (look === 'phone') expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
			await shot(page, `index-referrers-${look}`);
			expect(errors).toEqual([]);
		});
	});

	test('each entry opens its own view by digest, verified', async () => {
		await open('light', permalink(appUrl, `${repo}:${tag}`), async (page, errors) => {
			await settled(page);
			const digest = child(built, 1).manifest.digest;
			await page.locator(`[data-testid="index-entry"][data-digest="${digest}"] a`).first().click();
			await page.waitForURL(`**/r/${repo}@${digest}`);
			expect(await settled(page)).toContain('verified');
			expect(await page.getByTestId('manifest-digest').textContent()).toBe(digest);
			expect(errors).toEqual([]);
		});
	});
});

describe('nested indexes', () => {
	test('each level is verified and shown, down to the platform picker', async () => {
		const { tag, built } = shapes.nested;
		const middle = child(built, 0) as BuiltIndex;
		const inner = child(middle, 0) as BuiltIndex;
		await open('light', permalink(appUrl, `${repo}:${tag}`), async (page, errors) => {
			for (const [label, next] of [
				['level-2', middle],
				['level-3', inner]
			] as const) {
				expect(await settled(page)).toContain('verified');
				await page.getByRole('link', { name: label, exact: true }).click();
				await page.waitForURL(`**/r/${repo}@${next.manifest.digest}`);
			}
			expect(await settled(page)).toContain('verified');
			expect(await page.getByTestId('manifest-digest').textContent()).toBe(inner.manifest.digest);
			expect(await page.getByTestId('platform-manifest-digest').textContent()).toBe(child(inner, 0).manifest.digest);
			expect(errors).toEqual([]);
		});
	});

	test('levels walked through by platform are listed and in the raw JSON', async () => {
		const { tag, built } = shapes['nested-walk'];
		const middle = child(built, 0) as BuiltIndex;
		await open('light', permalink(appUrl, `${repo}:${tag}`), async (page, errors) => {
			expect(await settled(page)).toContain('verified');
			const levels = page.getByTestId('nested-level');
			expect(await levels.count()).toBe(2);
			expect(await levels.first().locator('a').getAttribute('href')).toBe(`/r/${repo}@${middle.manifest.digest}`);
			// The raw JSON viewer is loaded on request.
			await page.getByTestId('show-raw').click();
			await page.locator('#raw [role="tab"]').first().waitFor();
			expect(await page.locator('#raw [role="tab"]').allTextContents()).toEqual(
				expect.arrayContaining(['Index', 'Index (level 2)', 'Index (level 3)', 'Manifest', 'Config'])
			);
			await shot(page, 'index-nested-walk-light');
			expect(errors).toEqual([]);
		});
	});
});

describe('platforms with os.version and os.features', () => {
	test('three windows/amd64 entries, each addressable by its label', async () => {
		const { tag, built } = shapes.windows;
		await open('phone', permalink(appUrl, `${repo}:${tag}`, 'windows/amd64'), async (page, errors) => {
			expect(await settled(page)).toContain('verified');
			const labels = WINDOWS_VERSIONS.map((v) => `windows(${v})/amd64`);
			const options = page.getByTestId('platform-option');
			expect(await options.evaluateAll((els) => els.map((e) => e.getAttribute('data-platform')))).toEqual(labels);
			expect(await page.getByTestId('platform-manifest-digest').textContent()).toBe(child(built, 0).manifest.digest);
			await page.locator(`[data-testid="platform-option"][data-platform="${labels[1]}"] a`).click();
			await expect.poll(() => page.getByTestId('platform-manifest-digest').textContent()).toBe(child(built, 1).manifest.digest);
			expect(decodeURIComponent(new URL(page.url()).search)).toBe(`?platform=${labels[1]}`);
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
			await shot(page, 'index-windows-phone');
			expect(errors).toEqual([]);
		});
	});

	test('without a platform, a Windows-only index says so and links the three', async () => {
		await open('light', permalink(appUrl, `${repo}:${shapes.windows.tag}`), async (page) => {
			expect(await settled(page)).not.toContain('verified');
			const links = page.locator('[data-testid="error-message"] a');
			await expect.poll(() => links.allTextContents()).toEqual(WINDOWS_VERSIONS.map((v) => `windows(${v})/amd64`));
		});
	});

	test('linux/amd64 skips the entry requiring gpu; linux(+gpu)/amd64 opens it', async () => {
		const { tag, built } = shapes.gpu;
		await open('dark', permalink(appUrl, `${repo}:${tag}`), async (page, errors) => {
			expect(await settled(page)).toContain('verified');
			expect(await page.getByTestId('platform-manifest-digest').textContent()).toBe(child(built, 1).manifest.digest);
			await page.locator('[data-testid="platform-option"][data-platform="linux(+gpu)/amd64"] a').click();
			await expect.poll(() => page.getByTestId('platform-manifest-digest').textContent()).toBe(child(built, 0).manifest.digest);
			expect(await settled(page)).toContain('verified');
			// --platform cannot name os.features: the commands pin the chosen manifest itself.
			const commands = (await page.locator('#commands').textContent()) ?? '';
			expect(commands).toContain(`@${child(built, 0).manifest.digest}`);
			expect(commands).not.toContain('--platform');
			await shot(page, 'index-gpu-dark');
			expect(errors).toEqual([]);
		});
	});
});

test('a config of {} is shown verified, with a warning naming what it lacks', async () => {
	await open('light', permalink(appUrl, `${repo}:${shapes['empty-config'].tag}`), async (page, errors) => {
		expect(await settled(page)).toContain('verified');
		expect(await page.getByTestId('warning').allTextContents()).toEqual(
			expect.arrayContaining([expect.stringContaining('The config has no architecture, os, rootfs')])
		);
		expect(errors).toEqual([]);
	});
});
