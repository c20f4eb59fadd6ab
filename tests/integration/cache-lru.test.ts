/**
 * The server cache in-process (no HTTP here: cache.ts pulls in undici 7, which must not meet Node's
 * built-in fetch in the same file): byte-bounded LRU, tag TTL, verified-only storage, credentials bypass.
 */
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { cachedRegistrySource, cachingSource, repositoryKey } from '$lib/server/cache/cached-source';
import { ENTRY_OVERHEAD, RegistryCache, parseCacheSettings } from '$lib/server/cache/store';
import type { ServerRegistrySource } from '$lib/server/registry/client';
import type { Descriptor, UntrustedObject } from '$lib/oci/model';
import { parseReference } from '$lib/oci/reference';
import { parseSettings } from '$lib/server/settings';

const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

function image(n: number): { bytes: Uint8Array; digest: string; config: Uint8Array; configDigest: string } {
	const config = enc({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, n });
	const bytes = enc({
		schemaVersion: 2,
		mediaType: OCI_MANIFEST,
		config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
		layers: [],
		annotations: { n: String(n) }
	});
	return { bytes, digest: sha(bytes), config, configDigest: sha(config) };
}

/** A fake repository: tag → image; counts what reaches "the registry". */
function fakeRegistry(tags: Record<string, ReturnType<typeof image>>, opts: { corrupt?: boolean } = {}) {
	const calls: string[] = [];
	const all = Object.values(tags);
	const obj = (bytes: Uint8Array): UntrustedObject => ({
		bytes: opts.corrupt ? enc({ tampered: true }) : bytes,
		contentType: OCI_MANIFEST,
		dockerContentDigest: null
	});
	const source: ServerRegistrySource = {
		async manifest(target) {
			calls.push(`manifest ${target}`);
			const img = tags[target] ?? all.find((i) => i.digest === target);
			if (!img) throw new Error(`unknown ${target}`);
			return obj(img.bytes);
		},
		async blob(d: Descriptor) {
			calls.push(`blob ${d.digest}`);
			const img = all.find((i) => i.configDigest === d.digest);
			if (!img) throw new Error(`unknown ${d.digest}`);
			return { bytes: opts.corrupt ? new Uint8Array(img.config.length) : img.config, contentType: null, dockerContentDigest: null };
		},
		async tags() {
			calls.push('tags');
			return { tags: Object.keys(tags), truncated: false, warnings: [] };
		}
	};
	return { source, calls };
}

describe('settings', () => {
	test('defaults: 64 MiB, 5 s tag TTL; REGSCOPE_CACHE_MB and REGSCOPE_TAG_TTL_SECONDS override', () => {
		expect(parseCacheSettings({})).toEqual({ maxBytes: 64 * 1024 * 1024, tagTtlMs: 5000, tagListTtlMs: 30_000 });
		expect(parseCacheSettings({ REGSCOPE_CACHE_MB: '2', REGSCOPE_TAG_TTL_SECONDS: '0.5' })).toMatchObject({
			maxBytes: 2 * 1024 * 1024,
			tagTtlMs: 500
		});
		expect(() => parseCacheSettings({ REGSCOPE_CACHE_MB: '-1' })).toThrow(/REGSCOPE_CACHE_MB/);
	});
});

describe('object LRU bounded in bytes', () => {
	test('never holds more than REGSCOPE_CACHE_MB worth of bytes; least recently used goes first', () => {
		const maxBytes = 20_000;
		const cache = new RegistryCache({ maxBytes, tagTtlMs: 0, tagListTtlMs: 0 });
		const blob = (i: number) => ({ bytes: new Uint8Array(3000).fill(i), contentType: null, dockerContentDigest: null });
		for (let i = 0; i < 20; i++) {
			cache.putVerified(`k${i}`, blob(i));
			if (i >= 5) cache.getObject('k5'); // k5 keeps being used: it survives every eviction
			expect(cache.stats().bytes).toBeLessThanOrEqual(maxBytes);
		}
		const perEntry = 3000 + 'k10'.length + ENTRY_OVERHEAD;
		expect(cache.stats().entries).toBe(Math.floor(maxBytes / perEntry));
		expect(cache.getObject('k0')).toBeUndefined();
		expect(cache.getObject('k6')).toBeUndefined();
		expect(cache.getObject('k19')?.bytes[0]).toBe(19);
		expect(cache.getObject('k5')?.bytes[0]).toBe(5);
	});

	test('an object larger than a quarter of the cache is not stored at all', () => {
		const cache = new RegistryCache({ maxBytes: 10_000, tagTtlMs: 0, tagListTtlMs: 0 });
		cache.putVerified('big', { bytes: new Uint8Array(4000), contentType: null, dockerContentDigest: null });
		expect(cache.getObject('big')).toBeUndefined();
		expect(cache.stats().bytes).toBe(0);
	});

	test('REGSCOPE_CACHE_MB=0 disables object caching', async () => {
		const cache = new RegistryCache({ maxBytes: 0, tagTtlMs: 0, tagListTtlMs: 0 });
		const img = image(1);
		const reg = fakeRegistry({ latest: img });
		const s = cachingSource(reg.source, 'anon https://r.example/a', cache);
		await s.manifest(img.digest);
		await s.manifest(img.digest);
		expect(reg.calls).toEqual([`manifest ${img.digest}`, `manifest ${img.digest}`]);
	});
});

describe('cachingSource', () => {
	test('a repeated digest fetch reaches the registry once; the config too', async () => {
		const cache = new RegistryCache({ maxBytes: 1 << 20, tagTtlMs: 5000, tagListTtlMs: 0 });
		const img = image(2);
		const reg = fakeRegistry({ latest: img });
		const s = cachingSource(reg.source, 'anon https://r.example/a', cache);
		const d: Descriptor = {
			mediaType: 'application/vnd.oci.image.config.v1+json',
			digest: img.configDigest as Descriptor['digest'],
			size: img.config.length
		};
		for (let i = 0; i < 3; i++) {
			expect(sha((await s.manifest(img.digest)).bytes)).toBe(img.digest);
			expect(sha((await s.blob(d)).bytes)).toBe(img.configDigest);
		}
		expect(reg.calls).toEqual([`manifest ${img.digest}`, `blob ${img.configDigest}`]);
	});

	test('concurrent cold requests for one object share one registry request', async () => {
		const cache = new RegistryCache({ maxBytes: 1 << 20, tagTtlMs: 5000, tagListTtlMs: 0 });
		const img = image(3);
		const reg = fakeRegistry({ latest: img });
		const s = cachingSource(reg.source, 'anon https://r.example/a', cache);
		await Promise.all(Array.from({ length: 5 }, () => s.manifest(img.digest)));
		expect(reg.calls).toEqual([`manifest ${img.digest}`]);
	});

	test('tag → digest is kept only for the tag TTL, so a moved tag is seen', async () => {
		let now = 1_000_000;
		const cache = new RegistryCache({ maxBytes: 1 << 20, tagTtlMs: 5000, tagListTtlMs: 0 }, () => now);
		const v1 = image(4);
		const v2 = image(5);
		const tags = { latest: v1 };
		const reg = fakeRegistry(tags);
		const s = cachingSource(reg.source, 'anon https://r.example/a', cache);
		expect(sha((await s.manifest('latest')).bytes)).toBe(v1.digest);
		now += 4000;
		tags.latest = v2; // the tag moves upstream
		expect(sha((await s.manifest('latest')).bytes)).toBe(v1.digest); // within the TTL: the cached answer
		// the manifest fetched by tag is also cached under its digest
		expect(sha((await s.manifest(v1.digest)).bytes)).toBe(v1.digest);
		expect(reg.calls).toEqual(['manifest latest']);
		now += 1500; // past the TTL
		expect(sha((await s.manifest('latest')).bytes)).toBe(v2.digest);
		expect(reg.calls).toEqual(['manifest latest', 'manifest latest']);
	});

	test('bytes that fail verification are passed through, never stored', async () => {
		const cache = new RegistryCache({ maxBytes: 1 << 20, tagTtlMs: 5000, tagListTtlMs: 0 });
		const img = image(6);
		const reg = fakeRegistry({ latest: img }, { corrupt: true });
		const s = cachingSource(reg.source, 'anon https://r.example/a', cache);
		const d: Descriptor = {
			mediaType: 'application/vnd.oci.image.config.v1+json',
			digest: img.configDigest as Descriptor['digest'],
			size: img.config.length
		};
		await s.manifest(img.digest);
		await s.manifest(img.digest);
		await s.blob(d);
		await s.blob(d);
		expect(reg.calls).toHaveLength(4);
		expect(cache.stats().entries).toBe(0);
	});

	test('keys carry the anonymous marker, scheme, host:port and repository', () => {
		const settings = parseSettings({ REGSCOPE_INSECURE_REGISTRIES: '127.0.0.1' });
		expect(repositoryKey(parseReference('127.0.0.1:5000/a/b:1'), settings)).toBe('anon http://127.0.0.1:5000/a/b');
		expect(repositoryKey(parseReference('ghcr.io/a/b:1'), settings)).toBe('anon https://ghcr.io/a/b');
	});
});

describe('credentials', () => {
	test('a source for a call with user credentials is not cached', async () => {
		const cache = new RegistryCache({ maxBytes: 1 << 20, tagTtlMs: 5000, tagListTtlMs: 30_000 });
		const ref = parseReference('registry.example/private/app:1');
		const credentialed = cachedRegistrySource(ref, { credentials: { kind: 'basic', username: 'u', password: 'p' } } as never, cache);
		const anonymous = cachedRegistrySource(ref, {}, cache);
		// The anonymous one is the caching wrapper (no `tags` cache key yet → it asks through); the
		// credentialed one is the plain registry source, so nothing it fetches can reach the cache.
		expect(Object.keys(credentialed)).toEqual(['manifest', 'blob', 'blobStream', 'tags', 'headDigest', 'catalog', 'referrers', 'document']);
		expect(Object.keys(anonymous)).toEqual(['manifest', 'blob', 'tags']);
		expect(credentialed).not.toBe(anonymous);
		expect(cache.stats()).toMatchObject({ hits: 0, stores: 0, entries: 0 });
	});
});
