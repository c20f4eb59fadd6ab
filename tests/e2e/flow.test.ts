/**
 * The main journey in a real browser: paste a reference on the home page, land on its permalink,
 * see it verified; bad input stays on the page with a specific error; pin; recent lookups; the
 * server renders only the shell (title and description) without contacting any registry.
 */
import { describe, expect, inject, test } from 'vitest';
import { pageErrors, permalink, shot, useBrowser, verdict } from './browser';

const appUrl = inject('appUrl');
const fixtures = inject('fixtures');
const { withPage } = useBrowser();

describe('home → permalink', () => {
	test('paste a reference, press Enter: the permalink opens and everything is verified', async () => {
		const f = fixtures['docker-v2'];
		await withPage(async (page) => {
			const errors = pageErrors(page);
			await page.goto(`${appUrl}/`);
			// The input is focused on load: typing goes straight into it.
			// Focus moves once the page has hydrated, which can be after the load event.
			await page.waitForFunction(() => document.activeElement?.id === 'ref-input', null, { timeout: 5000 });
			expect(await page.evaluate(() => document.activeElement?.id)).toBe('ref-input');
			await shot(page, 'home-light');
			await page.keyboard.type(f.ref);
			await page.keyboard.press('Enter');
			await page.waitForURL(`${appUrl}/r/${f.ref}`);
			const text = await verdict(page);
			expect(text).toContain('verified');
			expect(text).not.toContain('mismatch');
			expect(await page.getByTestId('manifest-digest').textContent()).toBe(f.digest);
			expect(await page.title()).toContain('fixtures/docker-v2:1.2.3');
			expect(errors).toEqual([]);
		});
	});

	test('the Inspect button does the same as Enter, and familiar forms are normalized', async () => {
		const f = fixtures['oci-annotated'];
		await withPage(async (page) => {
			await page.goto(`${appUrl}/`);
			await page.fill('#ref-input', `docker://${f.ref}`);
			await page.getByRole('button', { name: 'Inspect' }).click();
			await page.waitForURL(`${appUrl}/r/${f.ref}`);
			expect(await verdict(page)).toContain('verified');
		});
	});

	test('a bad reference shows a specific error inline and does not navigate', async () => {
		await withPage(async (page) => {
			await page.goto(`${appUrl}/`);
			await page.fill('#ref-input', 'registry.example/Upper/Case:tag');
			await page.keyboard.press('Enter');
			const error = page.getByTestId('error-message');
			await error.waitFor();
			expect((await error.textContent())?.toLowerCase()).toMatch(/repository|lowercase|upper/);
			// Typed before the page's script ran, Enter submits `/?ref=…`, which the server answers the same way.
			expect(new URL(page.url()).pathname).toBe('/');
			expect(await page.getAttribute('#ref-input', 'aria-invalid')).toBe('true');
			await shot(page, 'home-bad-reference-light');
			// Typing again clears the error.
			await page.keyboard.type('x');
			await expect.poll(() => page.getByTestId('error-message').count()).toBe(0);
		});
	});

	test('an invalid reference opened as a permalink explains itself (no registry call)', async () => {
		await withPage(async (page) => {
			const res = await page.goto(`${appUrl}/r/bad::ref`);
			expect(res?.status()).toBe(200);
			expect(await page.getByTestId('error-message').getAttribute('data-code')).toBe('INVALID_REFERENCE');
			expect(await page.getByTestId('verify-status').count()).toBe(0);
		});
	});
});

describe('permalink shell', () => {
	test('the server renders title and description from the parsed reference without contacting the registry', async () => {
		// Port 9 on loopback has nothing listening: if the server tried to fetch, it could not render content;
		// the shell must still come back at once with the parsed reference.
		const res = await fetch(`${appUrl}/r/127.0.0.1:9/some/repo:1.0?platform=linux/arm64/v8`);
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toMatch(/<title>127\.0\.0\.1:9\/some\/repo:1\.0 \(linux\/arm64\/v8\) · regscope<\/title>/);
		expect(html).toMatch(/<meta name="description" content="[^"]*127\.0\.0\.1:9\/some\/repo:1\.0[^"]*linux\/arm64\/v8/);
		expect(html).not.toContain('data-testid="manifest-digest"');
	});

	test('a repository without a tag opens its tags (not a guess at :latest); its latest opens normalized and verified', async () => {
		const f = fixtures['minimal-config'];
		const short = f.ref.replace(/:latest$/, '');
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, short));
			expect(await page.locator('h1').textContent()).toBe(short);
			await page.getByTestId('open-latest').click();
			await page.waitForURL(permalink(appUrl, f.ref));
			expect(await page.locator('h1').textContent()).toBe(f.ref);
			expect(await verdict(page)).toContain('verified');
		});
	});
});

describe('progressive loading', () => {
	test('the summary shows as soon as the manifest is verified, before the config arrives', async () => {
		const f = fixtures['docker-v2'];
		await withPage(async (page) => {
			let release: () => void = () => undefined;
			const held = new Promise<void>((r) => (release = r));
			// The page normally gets the whole chain in one /api/chain answer; without it (here: refused) it
			// falls back to the per-object proxy, where the summary shows before the config arrives.
			await page.route('**/api/chain?**', (route) => route.abort());
			await page.route('**/api/registry/blob?**', async (route) => {
				await held;
				await route.continue();
			});
			await page.goto(permalink(appUrl, f.ref));
			const digest = page.getByTestId('manifest-digest');
			await digest.waitFor();
			expect(await digest.textContent()).toBe(f.digest);
			// Still checking: the config is held back, so nothing claims "verified" yet.
			expect(await page.getByTestId('verify-status').getAttribute('data-verdict')).toBe('checking');
			expect(await page.getByTestId('verify-status').textContent()).not.toContain('verified');
			expect(await page.locator('#summary').textContent()).toContain('waiting for the config');
			expect(await page.locator('#layers[aria-busy="true"]').count()).toBe(1);
			expect(await page.getByTestId('layer-row').count()).toBe(0);
			release();
			expect(await verdict(page)).toContain('verified');
			expect(await page.getByTestId('layer-row').count()).toBe(f.layerCount);
		});
	});

	test('copy buttons put the digest and the commands on the clipboard', async () => {
		const f = fixtures['docker-v2'];
		await withPage(async (page, ctx) => {
			await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: appUrl });
			await page.goto(permalink(appUrl, f.ref));
			expect(await verdict(page)).toContain('verified');
			await page
				.locator('#summary')
				.getByRole('button', { name: `Copy digest ${f.digest}` })
				.click();
			expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(f.digest);
			await page.getByRole('button', { name: 'Copy command: docker pull' }).click();
			expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`docker pull ${f.ref.replace(/:[^:/]+$/, '')}@${f.digest}`);
			await page.getByRole('button', { name: 'Copy command: skopeo inspect' }).click();
			expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
				// The test registry is reached over plain http, so the command carries skopeo's flag for it.
				`skopeo inspect --tls-verify=false docker://${f.ref.replace(/:[^:/]+$/, '')}@${f.digest}`
			);
		});
	});
});

describe('pin and recent lookups', () => {
	test('"Pin to this digest" opens the digest permalink, checked against the digest asked for', async () => {
		const f = fixtures['docker-v2'];
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref));
			expect(await verdict(page)).toContain('verified');
			expect(await page.locator('[data-testid="verify-object"][data-kind="manifest"]').getAttribute('data-basis')).toBe('header');
			await page.getByTestId('pin-link').click();
			await page.waitForURL(`${appUrl}/r/${f.ref}@${f.digest}`);
			expect(await verdict(page)).toContain('verified');
			const manifest = page.locator('[data-testid="verify-object"][data-kind="manifest"]');
			expect(await manifest.getAttribute('data-basis')).toBe('pinned');
			expect(await manifest.textContent()).toContain('matches the digest you asked for');
			expect(await page.locator('[data-testid="verify-object"][data-kind="config"]').textContent()).toContain(
				'matches the digest its parent lists'
			);
			expect(await page.getByTestId('pin-link').count()).toBe(0);
		});
	});

	test('verified lookups are listed on the home page and can be removed', async () => {
		const a = fixtures['zstd-layer'];
		const b = fixtures['minimal-config'];
		await withPage(async (page) => {
			for (const f of [a, b]) {
				await page.goto(permalink(appUrl, f.ref));
				expect(await verdict(page)).toContain('verified');
			}
			await page.goto(`${appUrl}/`);
			const items = page.getByTestId('recent-item');
			await items.first().waitFor();
			expect(await items.allTextContents()).toEqual([expect.stringContaining(b.ref), expect.stringContaining(a.ref)]);
			await page.getByRole('button', { name: `Remove ${b.ref} from recent lookups` }).click();
			await expect.poll(() => items.count()).toBe(1);
			await page.reload();
			await items.first().waitFor();
			expect(await items.allTextContents()).toEqual([expect.stringContaining(a.ref)]);
		});
	});
});
