/**
 * A registry serving a config longer than its descriptor says (tests/support/bad-registry.ts): the page
 * says `mismatch`, never "too large", and shows none of the image.
 */
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { startBadRegistry, type BadRegistry } from '../support/bad-registry';
import { permalink, shot, useBrowser, verdict } from './browser';

const appUrl = inject('appUrl');
const { withPage } = useBrowser();
let bad: BadRegistry;

beforeAll(async () => {
	bad = await startBadRegistry();
});
afterAll(async () => {
	await bad?.close();
});

test('a config served longer than its descriptor shows mismatch and no content', async () => {
	await withPage(async (page) => {
		await page.goto(permalink(appUrl, `${bad.host}/bad/longconfig:v1`));
		const text = await verdict(page);
		expect(text).toContain('mismatch');
		expect(text).not.toContain('verified');
		expect(await page.getByTestId('verify-status').getAttribute('data-verdict')).toBe('mismatch');
		const error = page.getByTestId('error-message');
		expect(await error.getAttribute('data-code')).toBe('DIGEST_MISMATCH');
		expect(await error.textContent()).not.toMatch(/too large/i);
		for (const section of ['#summary', '#layers', '#config', '#commands', '#raw']) {
			expect(await page.locator(section).count(), section).toBe(0);
		}
		await shot(page, 'mismatch-long-config-light');
	});
});
