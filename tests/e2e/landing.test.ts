/**
 * The page people land on (issue 14): a one-line verdict that expands, the image's size as the sum of
 * its layers, the search box holding the reference, autofocus in the server's HTML, focus to the heading
 * after navigating, errors worded for what happened (once), commands with the insecure flags, and a
 * phone-width page without horizontal scroll or tap targets under 24 px.
 */
import { describe, expect, inject, test } from 'vitest';
import { pageErrors, permalink, shot, useBrowser, verdict } from './browser';

const appUrl = inject('appUrl');
const registryUrl = inject('registryUrl');
const fixtures = inject('fixtures');
const { withPage } = useBrowser();

/** The compressed sizes of a manifest's layers, read from the registry itself (not through regscope). */
async function layerBytes(repository: string, digest: string): Promise<number> {
	const res = await fetch(`${registryUrl}/v2/${repository}/manifests/${digest}`, {
		headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' }
	});
	const m = (await res.json()) as { layers: { size: number }[] };
	return m.layers.reduce((n, l) => n + l.size, 0);
}

describe('verdict and summary', () => {
	test('a digest permalink of an index: one verdict line naming what matched, details on demand', async () => {
		const f = fixtures['oci-index'];
		const pinned = `${f.ref.replace(/:[^:/]+$/, '')}@${f.digest}`;
		await withPage(async (page) => {
			const errors = pageErrors(page);
			await page.goto(permalink(appUrl, pinned, 'linux/amd64'));
			expect(await verdict(page)).toBe('verified: ✓ Verified: index, manifest and config match their digests');
			const detail = page.locator('#verify-detail');
			expect(await detail.isVisible()).toBe(false);
			await page.getByTestId('verify-toggle').click();
			expect(await detail.isVisible()).toBe(true);
			expect(await page.getByTestId('verify-object').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual([
				'index',
				'manifest',
				'config'
			]);
			expect(await page.getByTestId('verify-toggle').getAttribute('aria-expanded')).toBe('true');
			// The size is the sum of the chosen platform's layers, not the manifest's own byte count.
			const child = f.children['linux/amd64'];
			expect(Number(await page.getByTestId('image-size').getAttribute('data-bytes'))).toBe(
				await layerBytes(f.repository, child?.digest ?? '')
			);
			// Digests are cut in the middle on screen but whole in the text, the title and the copy button.
			const digest = page.getByTestId('manifest-digest');
			expect(await digest.textContent()).toBe(f.digest);
			expect(await digest.getAttribute('title')).toBe(f.digest);
			// The middle is in the text but takes no room on screen, where an ellipsis stands for it.
			expect(await digest.evaluate((el) => el.querySelector('span')?.getBoundingClientRect().width)).toBeLessThanOrEqual(1);
			expect(await digest.evaluate((el) => getComputedStyle(el.querySelectorAll('span')[1] as Element, '::before').content)).toBe('"…"');
			await shot(page, 'landing-verdict-expanded-light');
			expect(errors).toEqual([]);
		});
	});

	test('a tag permalink says the tag was resolved just now and how to keep it', async () => {
		const f = fixtures['docker-v2'];
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref));
			expect(await verdict(page)).toContain('Verified: manifest and config match their digests');
			expect(await page.getByTestId('unpinned-note').textContent()).toBe('Tag resolved just now: pin it to keep this exact image.');
			expect(Number(await page.getByTestId('image-size').getAttribute('data-bytes'))).toBe(await layerBytes(f.repository, f.digest));
			await shot(page, 'landing-tag-dark');
		}, 'dark');
	});

	test('an artifact says it is one, with its type', async () => {
		const f = fixtures['artifact-empty-config'];
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref));
			await verdict(page);
			expect(await page.getByTestId('media-type').textContent()).toBe(`Artifact: ${f.artifactType}`);
		});
	});
});

describe('search box and focus', () => {
	test('the home input has autofocus in the server-rendered HTML', async () => {
		const html = await (await fetch(`${appUrl}/`)).text();
		const input = /<input[^>]*id="ref-input"[^>]*>/.exec(html)?.[0] ?? '';
		expect(input).toMatch(/\sautofocus(=""|\s|\/|>)/);
	});

	test('on a permalink the search box holds the reference, selected on focus; after navigating, focus is on the heading', async () => {
		const f = fixtures['docker-v2'];
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref));
			await verdict(page);
			const box = page.locator('#header-ref');
			expect(await box.inputValue()).toBe(f.ref);
			await box.focus();
			expect(
				await page.evaluate(
					() =>
						window.getSelection()?.toString() ||
						(document.activeElement as HTMLInputElement).value.slice(
							(document.activeElement as HTMLInputElement).selectionStart ?? 0,
							(document.activeElement as HTMLInputElement).selectionEnd ?? 0
						)
				)
			).toBe(f.ref);
			const other = f.tags.find((t) => !f.ref.endsWith(`:${t}`)) ?? '';
			await page.getByTestId('tag-item').filter({ hasText: other }).first().locator('a').click();
			await page.waitForURL(`**:${other}`);
			await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
			expect(await page.locator('#header-ref').inputValue()).toBe(f.ref.replace(/:[^:/]+$/, `:${other}`));
		});
	});
});

describe('errors, once and in the right words', () => {
	test('an unresolvable registry name: the DNS wording, one error, no credentials panel', async () => {
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, 'no-such-host.invalid/some/repo:1'));
			await verdict(page);
			expect(await page.getByTestId('verify-status').getAttribute('data-verdict')).toBe('failed');
			const error = page.getByTestId('error-message');
			await error.waitFor();
			expect(await error.count()).toBe(1);
			expect(await error.locator('h2').textContent()).toBe('Could not reach no-such-host.invalid: the name does not resolve');
			expect(await page.getByTestId('tags-error').count()).toBe(0);
			expect(await page.getByTestId('credentials-panel').count()).toBe(0);
			await shot(page, 'landing-error-dns-light');
		});
	});

	test('a missing tag names what the registry lacks, and offers no credentials', async () => {
		const f = fixtures['docker-v2'];
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref.replace(/:[^:/]+$/, ':no-such-tag')));
			await verdict(page);
			const title = page.getByTestId('error-message').locator('h2');
			await title.waitFor();
			expect(await title.textContent()).toContain(`has no ${f.repository}:no-such-tag`);
			expect(await page.getByTestId('credentials-panel').count()).toBe(0);
		});
	});
});

describe('commands', () => {
	test('a registry reached over plain http gets each tool its insecure flag; the JSON view is linked', async () => {
		const f = fixtures['oci-index'];
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref, 'linux/arm64/v8'));
			await verdict(page);
			const command = (label: string) =>
				page.locator(`[data-testid="command"][data-label="${label}"] [data-testid="command-text"]`).textContent();
			const pinned = `${f.ref.replace(/:[^:/]+$/, '')}@${f.digest}`;
			expect(await command('skopeo inspect')).toBe(
				`skopeo inspect --tls-verify=false --override-os linux --override-arch arm64 --override-variant v8 docker://${pinned}`
			);
			expect(await command('crane manifest')).toBe(`crane manifest --insecure --platform linux/arm64/v8 ${pinned}`);
			expect(await command('regctl')).toContain('tls=disabled manifest get --platform linux/arm64/v8');
			expect(await command('oras')).toBe(`oras manifest fetch --plain-http --platform linux/arm64/v8 ${pinned}`);
			const href = (await page.getByTestId('json-link').getAttribute('href')) ?? '';
			expect(await command('this view as JSON (curl)')).toBe(`curl '${appUrl}${href}'`);
			const json = (await (await fetch(`${appUrl}${href}`)).json()) as { Digest?: string; Architecture?: string; Variant?: string };
			expect(json.Digest).toBe(f.digest);
			expect([json.Architecture, json.Variant]).toEqual(['arm64', 'v8']);
		});
	});
});

describe('phone width', () => {
	test('375 px: no horizontal scroll, and no control under 24 px in the header, verdict, summary and commands', async () => {
		const f = fixtures['oci-index'];
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref, 'linux/amd64'));
			await verdict(page);
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
			const small = await page.evaluate(() =>
				[...document.querySelectorAll('header, #verification, #summary, #commands')]
					.flatMap((s) => [...s.querySelectorAll<HTMLElement>('a, button, input')])
					.filter((el) => getComputedStyle(el).display !== 'inline' && el.offsetParent !== null)
					.map((el) => ({ what: el.outerHTML.slice(0, 80), w: el.getBoundingClientRect().width, h: el.getBoundingClientRect().height }))
					.filter((r) => r.w < 24 || r.h < 24)
			);
			expect(small).toEqual([]);
			await shot(page, 'landing-phone');
		}, 'phone');
	});

	test('the dark phone view of a verified permalink', async () => {
		const f = fixtures['docker-v2'];
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref));
			await page.emulateMedia({ colorScheme: 'dark' });
			await verdict(page);
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
			await shot(page, 'landing-phone-dark');
		}, 'phone');
	});
});
