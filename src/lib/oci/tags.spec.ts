import { describe, it, expect } from 'vitest';
import { parseTagList } from './tags';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('parseTagList', () => {
	it.each([
		['{"name":"library/alpine","tags":["3.20","latest","edge"]}', 'library/alpine', ['3.20', 'latest', 'edge'], 0],
		['{"name":"a","tags":["b","a"]}', 'a', ['b', 'a'], 0],
		['{"name":"a","tags":null}', 'a', [], 0],
		['{"name":"a","tags":[]}', 'a', [], 0],
		['{"name":"a"}', 'a', [], 0],
		['{"tags":["x"]}', '', ['x'], 0],
		['{"name":"a","tags":["1.0",null,"2.0",null]}', 'a', ['1.0', '2.0'], 2],
		[`{"name":"a","tags":["v1","sha256:${'a'.repeat(64)}"]}`, 'a', ['v1'], 1],
		[`{"name":"a","tags":["sha256-${'a'.repeat(64)}.sig"]}`, 'a', [`sha256-${'a'.repeat(64)}.sig`], 0],
		['{"name":"a","tags":[".hidden","-x","ok","with space","",42,{"t":1},"' + 't'.repeat(129) + '"]}', 'a', ['ok'], 7]
	])('%s', (json, name, tags, dropped) => {
		expect(parseTagList(bytes(json))).toEqual({ name, tags, dropped });
	});

	it.each([
		['<html><body>404 page not found</body></html>', 'HTML'],
		['404 page not found', 'not valid JSON'],
		['', 'empty'],
		['[]', 'not a JSON object'],
		['{"name":"a","tags":"latest"}', 'not an array']
	])('rejects %j as an upstream error', (text, fragment) => {
		expect(() => parseTagList(bytes(text))).toThrow(
			expect.objectContaining({ code: 'UPSTREAM_ERROR', message: expect.stringContaining(fragment) })
		);
	});

	it('names the tag list in the message', () => {
		expect(() => parseTagList(bytes('nope'))).toThrow(/tag list/);
	});
});
