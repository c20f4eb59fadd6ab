import { describe, expect, it } from 'vitest';
import { decodeJson, findDuplicateKey } from './fields';
import { RegscopeError } from './errors';
import { parseManifest } from './manifest';

const bytes = (s: string) => new TextEncoder().encode(s);

function rejection(
	text: string,
	what = 'manifest',
	code: 'INVALID_MANIFEST' | 'INVALID_CONFIG' | 'UPSTREAM_ERROR' = 'INVALID_MANIFEST'
): RegscopeError {
	try {
		decodeJson(bytes(text), what, code);
	} catch (e) {
		expect(e).toBeInstanceOf(RegscopeError);
		return e as RegscopeError;
	}
	throw new Error(`expected ${text} to be rejected`);
}

describe('decodeJson: duplicate keys', () => {
	it('rejects a duplicate at top level, naming the key and $', () => {
		const e = rejection('{"schemaVersion":2,"mediaType":"a","mediaType":"b"}');
		expect(e.code).toBe('INVALID_MANIFEST');
		expect(e.message).toMatch(/^duplicate key "mediaType" in the manifest at \$(:|\s)/);
		expect(e.details).toEqual({ field: '$' });
	});

	it('rejects a nested duplicate with its path', () => {
		const e = rejection('{"config":{"size":1,"digest":"x","size":2}}');
		expect(e.message).toContain('duplicate key "size" in the manifest at $.config');
	});

	it('rejects a duplicate inside an array element', () => {
		const e = rejection('{"layers":[{"size":1},{"mediaType":"a","size":2,"mediaType":"b"}]}');
		expect(e.message).toContain('duplicate key "mediaType" in the manifest at $.layers[1]');
	});

	it('names non-identifier keys in brackets', () => {
		const e = rejection('{"annotations":{"org.x/y":"1","a":{"k":1,"k":2}}}', 'image config', 'INVALID_CONFIG');
		expect(e.code).toBe('INVALID_CONFIG');
		expect(e.message).toContain('duplicate key "k" in the image config at $.annotations.a');
		const e2 = rejection('{"x y":{"k":1,"k":2}}');
		expect(e2.message).toContain('at $["x y"]');
	});

	it('compares keys after unescaping', () => {
		expect(rejection('{"a":1,"\\u0061":2}').message).toContain('duplicate key "a"');
		expect(rejection('{"a\\"b":1,"a\\u0022b":2}').message).toContain('duplicate key "a\\"b"');
		expect(rejection('{"\\/":1,"/":2}').message).toContain('duplicate key "/"');
	});

	it('keeps the code of the context (tag list → UPSTREAM_ERROR)', () => {
		expect(rejection('{"name":"a","tags":[],"name":"b"}', 'tag list', 'UPSTREAM_ERROR').code).toBe('UPSTREAM_ERROR');
	});

	it('is reached through parseManifest', async () => {
		const m = '{"schemaVersion":2,"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}';
		await expect(async () => parseManifest(bytes(m) as never, 'application/vnd.oci.image.manifest.v1+json')).rejects.toThrow(
			/duplicate key "schemaVersion"/
		);
	});

	it('allows equal keys in different objects, and key-like strings in values and arrays', () => {
		const text = JSON.stringify({
			a: { size: 1, b: { size: 2 } },
			size: 3,
			layers: [{ size: 1 }, { size: 2 }],
			list: ['size', 'size', { size: 'size' }],
			s: 'a,"size":1,{}[]',
			'\\': '"\\'
		});
		expect(decodeJson(bytes(text), 'manifest', 'INVALID_MANIFEST')).toEqual(JSON.parse(text));
		expect(findDuplicateKey('{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}')).toBeNull();
		expect(findDuplicateKey('[1,{"a":true,"b":null},-1.5e3,"x"]')).toBeNull();
	});

	it('still reports invalid JSON as before', () => {
		expect(rejection('{"a":1,"a":').message).toMatch(/not valid JSON/);
	});

	// Speed belongs in benchmarks; this checks that large, wide and very deep inputs are handled (no recursion).
	it('handles large, wide and 100,000-deep documents', () => {
		const layers = Array.from({ length: 50_000 }, (_, i) => ({
			mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
			digest: `sha256:${i.toString(16).padStart(64, '0')}`,
			size: i,
			annotations: { [`k\u00e9${i}`]: 'v', 'a\\"b': 'x' }
		}));
		const text = JSON.stringify({ schemaVersion: 2, layers });
		const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`key${i}`, i])));
		const deep = '['.repeat(100_000) + ']'.repeat(100_000);
		expect(findDuplicateKey(text)).toBeNull();
		expect(findDuplicateKey(wide)).toBeNull();
		expect(findDuplicateKey(deep)).toBeNull();
		expect(findDuplicateKey(`${wide.slice(0, -1)},"key99999":0}`)).toEqual({ key: 'key99999', path: '$' });
	});
});
