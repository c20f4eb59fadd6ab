/**
 * Browsing in Chromium against the seeded registry: a bare host opens its catalog (Link pages loaded
 * with "load more"), a repository opens its tags grouped by digest with the newest version first, the
 * sort switch, breadcrumbs back up, a bare digest's hint, and a registry that will not list (404).
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { BROWSE_REPOSITORIES, VERSIONS_REPOSITORY, versionImage } from '../fixtures/browse';
import { startBadRegistry, type BadRegistry } from '../support/bad-registry';
import { pageErrors, shot, useBrowser, verdict, type Look } from './browser';

const appUrl = inject('appUrl');
const registry = inject('registry');
const registryUrl = inject('registryUrl');
const { withPage } = useBrowser();
let bad: BadRegistry;

beforeAll(async () => {
	bad = await startBadRegistry();
});
afterAll(async () => {
	await bad?.close();
});

/** The page's own requests run under a loaded machine: give them time, not a fixed budget per step. */
const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 10_000 });
const texts = (page: Page, id: string) => page.getByTestId(id).allTextContents();

/** The home page focuses its input once hydrated; before that, Enter would submit the plain HTML form. */
async function hydrated(page: Page): Promise<void> {
	await page.waitForFunction(() => document.activeElement?.id === 'ref-input', null, { timeout: 10_000 });
}

async function catalogSize(): Promise<number> {
	const res = await fetch(`${registryUrl}/v2/_catalog?n=1000`);
	return ((await res.json()) as { repositories: string[] }).repositories.length;
}

describe('registry page', () => {
	test('a bare host typed in the search box opens its catalog, page by page, filterable', async () => {
		await withPage(async (page) => {
			const errors = pageErrors(page);
			// Ask the real registry for pages of 10 (the page asks for 100) so that its Link pagination shows.
			await page.route('**/api/catalog?**', (route) => route.continue({ url: route.request().url().replace('n=100', 'n=10') }));
			await page.goto(`${appUrl}/`);
			await hydrated(page);
			await page.fill('#ref-input', registry);
			await page.keyboard.press('Enter');
			await page.waitForURL(`${appUrl}/r/${registry}`);
			await poll(() => page.getByTestId('repo-item').count()).toBe(10);
			expect(await texts(page, 'breadcrumb')).toEqual([registry]);
			const total = await catalogSize();
			for (let i = 0; i < 10 && (await page.getByTestId('repo-item').count()) < total; i++) {
				await page.getByTestId('load-more').click();
				await poll(() => page.getByTestId('repo-item').count()).toBe(Math.min(total, 10 * (i + 2)));
			}
			expect(await page.getByTestId('repo-item').count()).toBe(total);
			expect(await page.getByTestId('load-more').count()).toBe(0);
			const names = await texts(page, 'repo-item');
			for (const r of BROWSE_REPOSITORIES) expect(names).toContain(r);
			await page.fill('#repo-filter', 'versions');
			expect(await texts(page, 'repo-item')).toEqual([VERSIONS_REPOSITORY]);
			await page.getByTestId('repo-item').click();
			await page.waitForURL(`${appUrl}/r/${registry}/${VERSIONS_REPOSITORY}`);
			await page.getByTestId('tag-group').first().waitFor();
			expect(errors).toEqual([]);
		});
	});

	test('a registry that does not offer a catalog (404) says so and offers a repository box', async () => {
		await withPage(async (page) => {
			await page.goto(`${appUrl}/r/${bad.host}`);
			await page.getByTestId('catalog-refused').waitFor();
			expect(await page.getByTestId('catalog-refused').textContent()).toContain(`${bad.host} does not list its repositories`);
			expect(await page.getByTestId('error-message').count()).toBe(0);
			await page.fill('#repo-name', 'good/img');
			await page.keyboard.press('Enter');
			await page.waitForURL(`${appUrl}/r/${bad.host}/good/img`);
			await shot(page, 'browse-refused-light');
		});
	});
});

describe('repository page', () => {
	const repoUrl = `${appUrl}/r/${registry}/${VERSIONS_REPOSITORY}`;
	const digest = (name: 'a' | 'b' | 'c' | 'e') => versionImage(name).manifest.digest;

	test('tags grouped by digest, newest version first, latest leading; more on request; sort switch', async () => {
		await withPage(async (page) => {
			const errors = pageErrors(page);
			await page.goto(repoUrl);
			const first = page.getByTestId('tag-group').first();
			await first.waitFor();
			await poll(() => page.getByTestId('tag-pending').count()).toBe(0);
			expect(await first.getAttribute('data-digest')).toBe(digest('a'));
			expect(await first.getByTestId('tag-item').allTextContents()).toEqual(['latest', '2', '2.1', '2.1.0']);
			const groups = page.getByTestId('tag-group');
			expect(await groups.nth(2).getAttribute('data-digest')).toBe(digest('b'));
			expect(await groups.nth(3).getByTestId('tag-item').allTextContents()).toEqual(['1', '1.10', '1.10.0']);
			expect(await page.getByTestId('tag-count').textContent()).toContain('showing 50 of 75');
			expect(await page.getByTestId('tag-item').count()).toBe(50);
			expect(await page.getByTestId('tag-item').first().locator('a').getAttribute('href')).toBe(
				`/r/${registry}/${VERSIONS_REPOSITORY}:latest`
			);

			// Details on request: created date, size and platform of one group.
			await first.getByTestId('group-details').click();
			const info = first.getByTestId('group-info');
			await info.waitFor();
			expect(await info.textContent()).toContain('linux/amd64');
			expect(await info.locator('time').getAttribute('datetime')).toBe('2024-06-01T00:00:00Z');
			await shot(page, 'browse-repository-light');

			await page.getByTestId('load-more').click();
			await poll(() => page.getByTestId('tag-count').textContent()).toContain('showing 75 of 75');
			await poll(() => page.getByTestId('tag-pending').count()).toBe(0);

			// Newest: by image creation time of what is shown (edge, main, t2, t10 are the newest image).
			await page.getByTestId('tag-sort').getByText('Newest').click();
			await poll(() => page.getByTestId('tag-group').first().getAttribute('data-digest')).toBe(digest('e'));
			expect(await page.getByTestId('tag-group').nth(1).getAttribute('data-digest')).toBe(digest('a'));

			// Name: natural order, latest not special.
			await page.getByTestId('tag-sort').getByText('Name').click();
			await poll(() => page.getByTestId('tag-item').first().textContent()).toBe('1');
			// Groups stand where their first tag falls in natural order.
			const heads = await page
				.getByTestId('tag-group')
				.evaluateAll((gs) => gs.map((g) => g.querySelector('[data-testid="tag-item"]')?.textContent ?? ''));
			expect(heads).toEqual(['1', '1.9.2', '2', '2.0', '2.1.0-rc.1', 'edge']);
			expect(errors).toEqual([]);
		});
	});

	test('breadcrumbs lead from a tag back up to the repository and the registry', async () => {
		await withPage(async (page) => {
			await page.goto(`${repoUrl}:2.1`);
			expect(await verdict(page)).toContain('verified');
			expect(await texts(page, 'breadcrumb')).toEqual([registry, VERSIONS_REPOSITORY, ':2.1']);
			expect(await page.locator('h1').textContent()).toBe(`${registry}/${VERSIONS_REPOSITORY}:2.1`);
			await page.getByTestId('breadcrumb').nth(1).click();
			await page.waitForURL(repoUrl);
			await page.getByTestId('tag-group').first().waitFor();
			expect(await texts(page, 'breadcrumb')).toEqual([registry, VERSIONS_REPOSITORY]);
			await page.getByTestId('breadcrumb').first().click();
			await page.waitForURL(`${appUrl}/r/${registry}`);
			await page.getByTestId('repo-item').first().waitFor();
		});
	});

	test('a bare digest in the search box gets a hint and no navigation', async () => {
		await withPage(async (page) => {
			await page.goto(`${appUrl}/`);
			await hydrated(page);
			await page.fill('#ref-input', digest('a'));
			await page.keyboard.press('Enter');
			const error = page.getByTestId('error-message');
			await error.waitFor();
			expect(await error.textContent()).toContain('a digest needs a repository: write name@sha256:…');
			expect(page.url()).toBe(`${appUrl}/`);
		});
	});
});

describe.each(['phone', 'dark'] as Look[])('%s', (look) => {
	test.each([
		['registry', `/r/${registry}`, 'repo-item'],
		['repository', `/r/${registry}/${VERSIONS_REPOSITORY}`, 'tag-group'],
		['refused', '/r/docker.io', 'catalog-refused']
	])('%s', async (name, path, ready) => {
		await withPage(async (page) => {
			await page.goto(`${appUrl}${path}`);
			await page.getByTestId(ready).first().waitFor();
			await poll(() => page.getByTestId('tag-pending').count()).toBe(0);
			if (look === 'phone') {
				expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
			} else {
				expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe('rgb(255, 255, 255)');
			}
			await shot(page, `browse-${name}-${look}`);
		}, look);
	});
});
