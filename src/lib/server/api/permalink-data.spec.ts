import { describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import config from '../../../../svelte.config.js';
import { withChainInPage } from './permalink-data';

const SLOT = '<!--regscope:early-verdict-->';
const page = (slot: string) =>
	`<html><head>${slot}<link rel="stylesheet" href="/shell.css"></head><body><main></main><script>kit</script></body></html>`;
const chainElement = /<script type="application\/json" id="regscope-chain">([^]*?)<\/script>/;

describe('withChainInPage', () => {
	test('puts the answer and the early verdict in the slot, before the stylesheet (which would hold the script back)', () => {
		const answer = { reference: 'r@sha256:ab', objects: [{ kind: 'manifest', body: 'e30=' }] };
		const html = withChainInPage(page(SLOT), answer);
		expect(html).not.toContain(SLOT);
		expect(JSON.parse(chainElement.exec(html)?.[1] ?? 'null')).toEqual(answer);
		const early = readFileSync(new URL('../../client/early-verdict.js', import.meta.url), 'utf8');
		expect(html.indexOf(`<script>${early}</script>`)).toBeGreaterThan(html.indexOf('regscope-chain'));
		expect(html.indexOf(`<script>${early}</script>`)).toBeLessThan(html.indexOf('<link rel="stylesheet"'));
	});

	test('the inlined script is the one whose hash the CSP allows', () => {
		const html = withChainInPage(page(SLOT), { objects: [] });
		const inline = [...html.matchAll(/<script>([^]*?)<\/script>/g)].map((m) => m[1] ?? '').filter((s) => s !== 'kit');
		expect(inline).toHaveLength(1);
		const hash = `sha256-${createHash('sha256')
			.update(inline[0] ?? '')
			.digest('base64')}`;
		expect(config.kit?.csp?.directives?.['script-src']).toContain(hash);
	});

	test('no byte of the answer can end its element or start markup (a registry chooses some of them)', () => {
		const answer = { objects: [{ contentType: 'application/json</script><script>alert(1)</script><!--', target: '<b>' }] };
		const html = withChainInPage(page(SLOT), answer);
		const json = chainElement.exec(html)?.[1] ?? '';
		expect(json).not.toContain('<');
		expect(JSON.parse(json)).toEqual(answer);
		expect(html).not.toContain('alert(1)</script>');
	});

	test('without an answer the slot goes, and a page without the slot is left as it is', () => {
		expect(withChainInPage(page(SLOT), undefined)).toBe(page(''));
		expect(withChainInPage(page(''), { objects: [] })).toBe(page(''));
	});
});
