import { describe, expect, test } from 'vitest';
import { digestEtag, effectiveClass, etagMatches, notModified, setCacheHeaders } from './http-cache';

const D = 'sha256:' + 'a'.repeat(64);

describe('http cache headers', () => {
	test('each class has its Cache-Control; private varies on the credentials and drops the ETag', () => {
		const h = new Headers({ etag: '"old"' });
		setCacheHeaders(h, 'private', digestEtag(D));
		expect(h.get('cache-control')).toBe('private, no-store');
		expect(h.get('vary')).toBe('X-Registry-Authorization');
		expect(h.get('etag')).toBeNull();
		const i = new Headers();
		setCacheHeaders(i, 'immutable', digestEtag(D));
		expect(i.get('cache-control')).toBe('public, max-age=31536000, immutable');
		expect(i.get('etag')).toBe(`"${D}"`);
		expect(i.get('vary')).toBeNull();
		const r = new Headers();
		setCacheHeaders(r, 'revalidate');
		expect(r.get('cache-control')).toBe('no-cache');
	});

	test('credentials make any class private', () => {
		expect(effectiveClass('immutable', true)).toBe('private');
		expect(effectiveClass('revalidate', false)).toBe('revalidate');
	});

	test('If-None-Match: weak comparison, a list, and * only for an answer just produced', () => {
		const etag = digestEtag(D);
		expect(etagMatches(`W/"${D}"`, etag)).toBe(true);
		expect(etagMatches(`"x", "${D}"`, etag)).toBe(true);
		expect(etagMatches('"x"', etag)).toBe(false);
		expect(etagMatches('*', etag)).toBe(false);
		expect(etagMatches('*', etag, true)).toBe(true);
		expect(etagMatches(null, etag)).toBe(false);
	});

	test('a 304 carries the ETag and the class', () => {
		const res = notModified(digestEtag(D), 'immutable');
		expect(res.status).toBe(304);
		expect(res.headers.get('etag')).toBe(`"${D}"`);
		expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
	});
});
