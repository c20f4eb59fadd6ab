/**
 * The early verdict (issue 14): a digest permalink whose chain the server already held carries that answer in
 * its HTML with a small inline script that checks it with WebCrypto before the page's JavaScript has loaded.
 * These tests block every script the page loads, so what they see is that script alone, under the page's
 * real CSP; and they tamper with the embedded answer in flight to show it believes only the address and the
 * bytes. The page's own inspection is covered by the other tests, which wait for its verdict.
 */
import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, inject, test } from 'vitest';
import { PROXY_HEADER } from '../../src/lib/api-contract';
import { pageErrors, permalink, shot, useBrowser, verdict } from './browser';

const appUrl = inject('appUrl');
const fixtures = inject('fixtures');
const { withPage } = useBrowser();

interface ChainObject {
	kind: string;
	target: string;
	contentType: string;
	body: string;
}
type Chain = { objects: ChainObject[] };

const pinnedRef = (name: keyof typeof fixtures) => `${fixtures[name].ref.replace(/:[^:/]+$/, '')}@${fixtures[name].digest}`;
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const CHAIN = /(<script type="application\/json" id="regscope-chain">)([^]*?)(<\/script>)/;

/** The server holds the chain once a page (or anyone) asked for it. */
async function warm(ref: string, platform?: string): Promise<void> {
	const q = new URLSearchParams({ ref, ...(platform ? { platform } : {}) });
	const res = await fetch(`${appUrl}/api/chain?${q}`, { headers: { [PROXY_HEADER]: '1' } });
	expect(res.status).toBe(200);
	await res.arrayBuffer();
}

/** Only the document itself: none of the page's own JavaScript runs. Returns the CSP reports it logs. */
async function withoutScripts(page: Page): Promise<string[]> {
	const csp: string[] = [];
	page.on('console', (m) => {
		if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
	});
	await page.route(/\/_app\/.*\.js$/, (r) => r.abort());
	return csp;
}

/** The permalink's HTML as the server sent it, but with `edit` applied to the embedded answer. */
async function tampered(page: Page, edit: (chain: Chain) => void): Promise<void> {
	await page.route(/\/r\//, async (route) => {
		const res = await route.fetch();
		const html = (await res.text()).replace(CHAIN, (_, open: string, json: string, close: string) => {
			const chain = JSON.parse(json) as Chain;
			edit(chain);
			return `${open}${JSON.stringify(chain)}${close}`;
		});
		await route.fulfill({ response: res, body: html });
	});
}

/** What the early verdict concluded (`verified` or `left` to the page) and the line it shows. */
async function early(page: Page): Promise<string> {
	const status = page.locator('[data-early-verdict]:not([data-early-verdict="pending"])');
	await status.waitFor();
	return `${await status.getAttribute('data-early-verdict')}: ${(await status.innerText()).replace(/\s+/g, ' ').trim()}`;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

describe('the early verdict', () => {
	test('a warm digest permalink of an index says verified before any of its JavaScript runs', async () => {
		const ref = pinnedRef('oci-index');
		await warm(ref);
		await withPage(async (page) => {
			const csp = await withoutScripts(page);
			const res = await page.goto(permalink(appUrl, ref));
			const html = (await res?.text()) ?? '';
			// The answer travels once: in its element, not again in SvelteKit's data.
			const indexBody = (JSON.parse(CHAIN.exec(html)?.[2] ?? '{}') as Chain).objects[0]?.body ?? 'missing';
			expect(html.split(indexBody)).toHaveLength(2);
			expect(await early(page)).toBe('verified: ✓ Verified: index, manifest and config match their digests');
			expect(await page.locator('#early-verdict').getAttribute('data-verdict')).toBe('verified');
			expect(csp).toEqual([]);
			await shot(page, 'early-verdict-index-light');
		});
	});

	test('a single manifest and a chosen platform are verified early too', async () => {
		const single = pinnedRef('docker-v2');
		const index = pinnedRef('oci-index');
		await warm(single);
		await warm(index, 'linux/arm64/v8');
		await withPage(async (page) => {
			await withoutScripts(page);
			await page.goto(permalink(appUrl, single));
			expect(await early(page)).toBe('verified: ✓ Verified: manifest and config match their digests');
			await page.goto(permalink(appUrl, index, 'linux/arm64/v8'));
			expect(await early(page)).toBe('verified: ✓ Verified: index, manifest and config match their digests');
			await shot(page, 'early-verdict-platform-phone');
		}, 'phone');
	});

	test('a tag permalink has no early verdict (what a tag names can change): the page itself checks', async () => {
		const ref = fixtures['oci-index'].ref;
		await warm(ref);
		await withPage(async (page) => {
			const res = await page.goto(permalink(appUrl, ref));
			expect(await res?.text()).not.toContain('regscope-chain');
			expect(await verdict(page)).toBe('verified: ✓ Verified: index, manifest and config match their digests');
		});
	});

	const config = '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}';
	const MISMATCH = 'mismatch: ✗ Mismatch: the bytes received are not the ones named. Nothing is shown';
	const VERIFIED = 'verified: ✓ Verified: index, manifest and config match their digests';
	// What the page itself says after: bytes that do not match the digest asked for are a mismatch; an object
	// the chain answer should not have held is not asked for, and the one named is fetched through the proxy.
	const tamperings: [string, (c: Chain) => void, string][] = [
		[
			'one byte of the config changed',
			(c) => {
				const o = c.objects.at(-1)!;
				o.body = b64(unb64(o.body).replace('amd64', 'amd65'));
			},
			MISMATCH
		],
		[
			'a config that hashes to its own digest but is not the one the manifest names',
			(c) => {
				const o = c.objects.at(-1)!;
				o.body = b64(config);
				o.target = sha256(Buffer.from(config));
			},
			VERIFIED
		],
		[
			'an index that hashes to its own digest but is not the one in the address',
			(c) => {
				const o = c.objects[0]!;
				const doc = JSON.parse(unb64(o.body)) as { annotations?: Record<string, string> };
				doc.annotations = { ...doc.annotations, 'org.example.swapped': 'yes' };
				const bytes = Buffer.from(JSON.stringify(doc));
				o.body = bytes.toString('base64');
				o.target = sha256(bytes);
			},
			VERIFIED
		],
		[
			'a manifest the index does not list',
			(c) => {
				c.objects.splice(1, 1, { ...c.objects[1]!, target: sha256(Buffer.from(unb64(c.objects[1]!.body) + ' ')) });
			},
			VERIFIED
		]
	];

	test.each(tamperings)('%s: the early verdict leaves it to the page, which checks it again', async (_, edit, after) => {
		const ref = pinnedRef('oci-index');
		await warm(ref);
		await withPage(async (page) => {
			await withoutScripts(page);
			await tampered(page, edit);
			await page.goto(permalink(appUrl, ref));
			expect(await early(page)).toBe('left: … Checking digests…');
			expect(await page.locator('#early-verdict').getAttribute('data-verdict')).toBe('checking');
			await shot(page, 'early-verdict-left-dark');
		}, 'dark');
		// With its JavaScript, the page does not trust the tampered answer either.
		await withPage(async (page) => {
			const errors = pageErrors(page);
			await tampered(page, edit);
			await page.goto(permalink(appUrl, ref));
			expect(await verdict(page)).toBe(after);
			expect(errors).toEqual([]);
		});
	});
});
