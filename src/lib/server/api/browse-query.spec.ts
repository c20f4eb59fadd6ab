import { describe, expect, it } from 'vitest';
import { parseCatalogQuery } from './catalog-service';
import { parseTagsQuery } from './tags-service';

const url = (q: string) => new URL(`http://app.test/api/x?${q}`);

describe('parseCatalogQuery', () => {
	it.each([
		['registry=registry.corp:5000', { registry: 'registry.corp:5000', n: 100 }],
		['registry=index.docker.io&n=5', { registry: 'docker.io', n: 5 }],
		['registry=localhost&n=5000&last=a/b', { registry: 'localhost', n: 1000, last: 'a/b' }],
		['registry=127.0.0.1:5000&n=0', { registry: '127.0.0.1:5000', n: 1 }]
	])('%s', (q, want) => {
		expect(parseCatalogQuery(url(q))).toEqual(want);
	});
	it.each([
		'registry=alpine',
		'registry=a.b/c',
		'registry=',
		'registry=a.b&n=-1',
		'registry=a.b&n=x',
		`registry=a.b&last=${'a'.repeat(256)}`
	])('%s is INVALID_REQUEST', (q) => {
		expect(() => parseCatalogQuery(url(q))).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
	});
});

describe('parseTagsQuery', () => {
	it('reads the repository without a tag, sort, window and listed tags', () => {
		const r = parseTagsQuery(url('ref=alpine:3.20&sort=name&resolve=1&offset=10&n=500&tags=a,%20b,,c'));
		expect(r).toEqual({
			ref: { registry: 'docker.io', repository: 'library/alpine' },
			sort: 'name',
			resolve: true,
			offset: 10,
			n: 100,
			only: ['a', 'b', 'c']
		});
	});
	it('defaults to version order, no resolution', () => {
		expect(parseTagsQuery(url('ref=ghcr.io/o/r'))).toMatchObject({ sort: 'version', resolve: false, offset: 0 });
	});
	it.each(['ref=a&sort=newest', 'ref=a&offset=x', `ref=a&tags=${Array.from({ length: 101 }, (_, i) => `t${i}`).join(',')}`, 'sort=name'])(
		'%s is INVALID_REQUEST',
		(q) => {
			expect(() => parseTagsQuery(url(q))).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
		}
	);
});
