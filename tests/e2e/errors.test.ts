/**
 * Failures as people see them: an unknown tag, a blocked address, and a registry serving tampered
 * bytes (tests/support/bad-registry.ts on 127.0.0.1), which must show `mismatch` and no content.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { startBadRegistry, type BadRegistry } from '../support/bad-registry';
import { permalink, shot, useBrowser, verdict } from './browser';

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

/** Nothing from the image is rendered: no digest, no rows, no config, no raw JSON, no commands. */
async function expectNoContent(page: Page): Promise<void> {
	for (const id of ['manifest-digest', 'platform-manifest-digest', 'layer-row', 'history-row', 'platform-option', 'pin-link']) {
		expect(await page.getByTestId(id).count(), id).toBe(0);
	}
	for (const section of ['#summary', '#layers', '#config', '#commands', '#raw']) {
		expect(await page.locator(section).count(), section).toBe(0);
	}
}

describe('errors', () => {
	test('an unknown tag says "not found", is neither verified nor a mismatch, and still lists the tags', async () => {
		const f = fixtures['docker-v2'];
		const ref = f.ref.replace(/:[^:/]+$/, ':no-such-tag');
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, ref));
			const text = await verdict(page);
			expect(text).not.toContain('verified');
			expect(text).not.toContain('mismatch');
			const error = page.getByTestId('error-message');
			expect(await error.getAttribute('data-code')).toBe('NOT_FOUND');
			expect(await error.textContent()).toContain('Not found');
			await expectNoContent(page);
			await page.getByTestId('tag-item').first().waitFor();
			expect(await page.getByTestId('tag-item').count()).toBe(f.tags.length);
			await shot(page, 'error-unknown-tag-light');
		});
	});

	test('a private address that is not allowed is reported as blocked', async () => {
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, 'localhost:5999/some/repo:1'));
			const text = await verdict(page);
			expect(text).not.toContain('verified');
			expect(await page.getByTestId('error-message').getAttribute('data-code')).toBe('BLOCKED_ADDRESS');
			expect(await page.getByTestId('error-message').textContent()).toContain('blocked');
		});
	});
});

describe('tampered bytes', () => {
	test('a manifest that does not match the digest asked for shows mismatch and no trusted content', async () => {
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, `${bad.host}/bad/digest@${bad.image.manifestDigest}`));
			const text = await verdict(page);
			expect(text).toContain('mismatch');
			expect(text).not.toContain('verified');
			expect(await page.getByTestId('verify-status').getAttribute('data-verdict')).toBe('mismatch');
			const error = page.getByTestId('error-message');
			expect(await error.getAttribute('data-code')).toBe('DIGEST_MISMATCH');
			expect(await error.textContent()).toMatch(/do not pull this image/i);
			await expectNoContent(page);
			expect(await page.getByTestId('tag-item').count()).toBe(0);
			expect(await page.getByTestId('verify-object').count()).toBe(0);
			await shot(page, 'mismatch-manifest-light');
		});
	});

	test('a config blob with altered bytes (same size) shows mismatch, and the verified manifest is withdrawn', async () => {
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, `${bad.host}/bad/config:v1`));
			const text = await verdict(page);
			expect(text).toContain('mismatch');
			expect(text).not.toContain('verified');
			expect(await page.getByTestId('error-message').getAttribute('data-code')).toBe('DIGEST_MISMATCH');
			await expectNoContent(page);
		});
	});

	test('the same image from a well-behaved repository of that server is verified (the check is not always failing)', async () => {
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, `${bad.host}/good/img@${bad.image.manifestDigest}`));
			expect(await verdict(page)).toContain('verified');
			expect(await page.getByTestId('manifest-digest').textContent()).toBe(bad.image.manifestDigest);
			expect(await page.getByTestId('layer-row').count()).toBe(1);
		});
	});
});
