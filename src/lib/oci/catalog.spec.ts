import { describe, expect, it } from 'vitest';
import { parseCatalog } from './catalog';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('parseCatalog', () => {
	it.each([
		['{"repositories":["a","b/c"]}', ['a', 'b/c'], 0],
		['{"repositories":[]}', [], 0],
		['{"repositories":null}', [], 0],
		['{}', [], 0],
		['{"repositories":["ok",null,"Upper","../x",42,"a//b"]}', ['ok'], 5]
	])('%s', (json, repositories, dropped) => {
		expect(parseCatalog(bytes(json))).toEqual({ repositories, dropped });
	});
	it.each([
		['[]', 'not a JSON object'],
		['{"repositories":"a"}', 'not an array'],
		['<html>', 'HTML']
	])('rejects %s', (text, fragment) => {
		expect(() => parseCatalog(bytes(text))).toThrow(
			expect.objectContaining({ code: 'UPSTREAM_ERROR', message: expect.stringContaining(fragment) })
		);
	});
});
