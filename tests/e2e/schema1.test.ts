/**
 * Docker schema1 (deprecated) in a real browser against the real registry: marked as such, the
 * payload digest verified, every signature's libtrust key ID and status shown (never "trusted"),
 * rows for every layer and history entry, sizes "unknown" (never negative), the missing config blob
 * and diff_ids said rather than left blank. Screenshots in light and at phone width.
 */
import { describe, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { Schema1Fixture } from '../fixtures/fixtures';
import { pageErrors, permalink, shot, useBrowser, verdict } from './browser';

const appUrl = inject('appUrl');
const fixtures = inject('fixtures');
const { withPage } = useBrowser();

const cases: Schema1Fixture[] = [fixtures['schema1-skopeo'], fixtures['schema1-signed']];

/** Every byte count on the page: none may be negative (schema1 sizes are -1 in the model). */
async function negativeSizes(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const text = document.body.innerText;
		const titles = [...document.querySelectorAll('[title]')].map((e) => e.getAttribute('title') ?? '');
		return [...text.split('\n'), ...titles].filter((t) => /-\s?\d[\d.,]*\s?(B|KiB|MiB|GiB|bytes)\b/.test(t));
	});
}

describe.each(cases.map((f) => [f.key, f] as const))('%s', (_key, f) => {
	test('verified, marked deprecated, with its rows, signatures and no negative sizes', async () => {
		await withPage(async (page) => {
			const errors = pageErrors(page);
			await page.goto(permalink(appUrl, f.ref));
			expect(await verdict(page)).toContain('verified');
			expect(await page.getByTestId('verify-status').getAttribute('data-verdict')).toBe('verified');
			expect(await page.getByTestId('manifest-digest').textContent()).toBe(f.digest);
			// Only the manifest is an object of its own: schema1 has no config blob.
			expect(await page.getByTestId('verify-object').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual([
				'manifest'
			]);
			expect(await page.getByTestId('verify-object').textContent()).toContain('JWS payload');

			expect(await page.getByTestId('deprecated-format').isVisible()).toBe(true);
			expect(await page.locator('#summary').textContent()).toContain('Docker schema1 manifest');
			expect(await page.getByTestId('schema1-name').textContent()).toBe(`${f.repository}:${f.manifestTag}`);
			if (f.created) expect(await page.locator('#summary time').first().getAttribute('datetime')).toBe(f.created);
			expect(await page.locator('#summary').textContent()).toContain('size unknown');
			expect(await page.locator('#summary').textContent()).toContain(`${f.layerCount} layers`);

			expect(await page.getByTestId('layer-row').count()).toBe(f.layerCount);
			expect(await page.getByTestId('history-row').count()).toBe(f.historyCount);
			expect(await page.locator('#layers [data-testid="size-unknown"]').count()).toBe(f.layerCount);
			const titles = await page
				.locator('[data-testid="layer-row"] code[title]')
				.evaluateAll((els) => els.map((e) => e.getAttribute('title')));
			expect(titles.filter((t) => t?.startsWith('sha256:'))).toEqual(f.layerDigests);
			expect(await negativeSizes(page)).toEqual([]);

			// Every signature the registry served, with its libtrust key ID and whether it verified.
			const signatures = page.getByTestId('signature');
			await signatures.first().waitFor();
			expect(await signatures.count()).toBe(f.keyIds.length);
			expect(await page.getByTestId('signature-key-id').allTextContents()).toEqual(f.keyIds);
			expect(await signatures.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(f.keyIds.map(() => 'valid'));
			for (const t of await page.getByTestId('signature-status').allTextContents()) expect(t).toBe('signature valid');
			expect((await page.locator('body').innerText()).toLowerCase()).not.toContain('trusted');

			// Legacy panel, config and raw JSON say what schema1 lacks.
			await page.getByTestId('schema1-layer').first().waitFor();
			await page.getByTestId('show-raw').click();
			await page.getByRole('tab').first().waitFor();
			expect(await page.getByTestId('schema1-layer').count()).toBe(f.layerCount);
			expect(await page.getByTestId('schema1-config-note').textContent()).toContain('No config blob and no diff_ids');
			expect(await page.getByTestId('schema1-raw-note').innerText()).toContain('without signatures');
			expect(await page.getByRole('tab').allTextContents()).toEqual(['Manifest', 'Signed payload']);
			if (f.droppedDuplicates > 0) {
				expect(await page.getByTestId('schema1-dropped').textContent()).toContain(`${f.droppedDuplicates} duplicate entry dropped`);
				expect(await page.getByTestId('warning').allTextContents()).toEqual([expect.stringContaining('dropped')]);
			} else {
				expect(await page.getByTestId('warning').count()).toBe(0);
			}
			expect(errors).toEqual([]);
			await shot(page, `${f.key}-light`);
		});
	});
});

test('schema1 at phone width: no horizontal scrolling', async () => {
	const f = fixtures['schema1-signed'];
	await withPage(async (page) => {
		await page.goto(permalink(appUrl, f.ref));
		expect(await verdict(page)).toContain('verified');
		await page
			.getByTestId('tag-item')
			.first()
			.waitFor({ timeout: 5000 })
			.catch(() => undefined);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
		await shot(page, 'schema1-signed-phone');
	}, 'phone');
});
