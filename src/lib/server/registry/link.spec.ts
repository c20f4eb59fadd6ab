import { describe, expect, test } from 'vitest';
import { nextLink, parseLinkHeader } from './link';

const base = new URL('https://ghcr.io/v2/o/r/tags/list');

describe('Link header', () => {
	test.each([
		['</v2/o/r/tags/list?n=100&last=x>; rel="next"', 'https://ghcr.io/v2/o/r/tags/list?n=100&last=x'],
		['<https://ghcr.io/v2/o/r/tags/list?last=b>; rel=next', 'https://ghcr.io/v2/o/r/tags/list?last=b'],
		['<?n=2&last=a,b>; rel="next"', 'https://ghcr.io/v2/o/r/tags/list?n=2&last=a,b'],
		['<https://quay.io/v2/o/r/tags/list?next_page=gAAAA%3D%3D>;rel="next"', 'https://quay.io/v2/o/r/tags/list?next_page=gAAAA%3D%3D'],
		['<https://x.test/first>; rel="first", </p2>; rel="next"', 'https://ghcr.io/p2'],
		['</p2>; title="a, b; c"; rel="prev next"', 'https://ghcr.io/p2'],
		['</p2>; REL="Next"', 'https://ghcr.io/p2'],
		['//evil.test/v2/x', null],
		['</p2>; rel="prev"', null],
		['', null]
	])('%s', (value, expected) => {
		expect(nextLink(value, base)?.href ?? null).toBe(expected);
	});

	test('several header lines and params', () => {
		const links = parseLinkHeader(['</a>; rel="prev"', '</b>; rel="next"; type="application/json"']);
		expect(links.map((l) => l.target)).toEqual(['/a', '/b']);
		expect(links[1]?.params.type).toBe('application/json');
		expect(nextLink(['</a>; rel="prev"', '</b>; rel="next"'], base)?.pathname).toBe('/b');
	});

	test('a protocol-relative target changes host (the caller must refuse it)', () => {
		expect(nextLink('<//evil.test/v2/x>; rel="next"', base)?.host).toBe('evil.test');
	});
});
