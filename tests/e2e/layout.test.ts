/**
 * Looks: every main view at phone width (375 px) without horizontal scrolling, in dark mode, and
 * keyboard reachable with a visible focus ring. Saves the screenshots under test-results/e2e/.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startBadRegistry, type BadRegistry } from '../support/bad-registry';
import { type Look, permalink, shot, useBrowser, verdict } from './browser';

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

/** name → [url, whether the page inspects something]; built lazily (the bad registry starts in beforeAll). */
const views = (): [string, string, boolean][] => [
	['home', `${appUrl}/`, false],
	['image', permalink(appUrl, fixtures['docker-v2'].ref), true],
	['index', permalink(appUrl, fixtures['oci-index'].ref, 'windows/amd64'), true],
	['attestations', permalink(appUrl, fixtures['buildx-attestations'].ref), true],
	['many-tags', permalink(appUrl, fixtures['many-tags'].ref), true],
	['unknown-tag', permalink(appUrl, fixtures['docker-v2'].ref.replace(/:[^:/]+$/, ':nope')), true],
	['mismatch', permalink(appUrl, `${bad.host}/bad/digest@${bad.image.manifestDigest}`), true]
];

describe.each(['phone', 'dark'] as Look[])('%s', (look) => {
	test.each(['home', 'image', 'index', 'attestations', 'many-tags', 'unknown-tag', 'mismatch'])('%s', async (name) => {
		const view = views().find(([n]) => n === name);
		expect(view).toBeDefined();
		const [, url, inspects] = view ?? ['', '', false];
		await withPage(async (page) => {
			await page.goto(url);
			if (inspects) {
				await verdict(page);
				await page
					.getByTestId('tag-item')
					.first()
					.waitFor({ timeout: 5000 })
					.catch(() => undefined);
			}
			// Expand the longest command, where there is one, so the widest content is on screen.
			await page
				.getByRole('button', { name: 'more' })
				.first()
				.click({ timeout: 1000 })
				.catch(() => undefined);
			if (look === 'phone') {
				expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
			} else {
				const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
				expect(bg).not.toBe('rgb(255, 255, 255)');
			}
			await shot(page, `${name}-${look}`);
		}, look);
	});
});

describe('keyboard', () => {
	test('the controls of a permalink are reachable with Tab and show a focus ring', async () => {
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, fixtures['oci-index'].ref));
			await verdict(page);
			const reached = new Set<string>();
			let ringless = 0;
			for (let i = 0; i < 60; i++) {
				await page.keyboard.press('Tab');
				const info = await page.evaluate(() => {
					const el = document.activeElement as HTMLElement | null;
					if (!el || el === document.body) return null;
					const style = getComputedStyle(el);
					return {
						id:
							el.getAttribute('data-testid') ||
							el.id ||
							el.getAttribute('aria-label') ||
							el.closest('[data-testid]')?.getAttribute('data-testid') ||
							el.textContent?.trim() ||
							'',
						ring: style.outlineStyle !== 'none' && style.outlineWidth !== '0px'
					};
				});
				if (!info) continue;
				reached.add(info.id);
				if (!info.ring) ringless++;
			}
			expect(reached.has('header-ref')).toBe(true);
			expect(reached.has('platform-option')).toBe(true);
			expect([...reached].some((r) => r.startsWith('Copy digest'))).toBe(true);
			expect(ringless).toBe(0);
		});
	});
});

describe('long references at phone width', () => {
	test('the permalink heading wraps between the parts of the reference, never inside a name', async () => {
		const f = fixtures['oci-index'];
		const pinned = `${inject('registry')}/${f.repository}@${f.digest}`;
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, pinned));
			const h1 = page.locator('h1');
			expect(await h1.textContent()).toBe(pinned);
			// The heading is wider than the phone, so it does wrap.
			expect(await h1.evaluate((el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight))).toBeGreaterThan(
				1.5
			);
			const parts = await h1.evaluate((el) =>
				[...el.querySelectorAll('.whitespace-nowrap')].map((s) => ({ text: s.textContent, lines: s.getClientRects().length }))
			);
			const [host, port] = inject('registry').split(':');
			expect(parts.map((p) => p.text)).toEqual([host, `:${port}`, ...f.repository.split(/(?<=\/)/), '@sha256']);
			expect(parts.filter((p) => p.lines !== 1)).toEqual([]);
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
			await shot(page, 'long-reference-phone');
		}, 'phone');
	});
});
