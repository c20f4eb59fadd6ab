/**
 * The server's registry cache. Three parts, all in memory, all per process (several instances behind a
 * load balancer each keep their own; nothing in it belongs to a user):
 *
 * - objects: manifests and config blobs, keyed by registry host + repository + digest, stored only after
 *   their bytes were checked against that digest (verify.ts). Content-addressed, so never stale. An LRU
 *   bounded in bytes (`REGSCOPE_CACHE_MB`, default 64).
 * - tags: tag → digest answers, kept `REGSCOPE_TAG_TTL_SECONDS` (default 5) so a moved tag is seen soon.
 * - tag lists: a repository's tag listing, kept `REGSCOPE_TAG_LIST_TTL_SECONDS` (default 30).
 *
 * Only anonymous fetches are ever cached: `cachedRegistrySource` returns the plain, uncached source
 * whenever the call carries user credentials. Tokens and challenges are cached by auth.ts (per host,
 * anonymous only).
 */
import { LRUCache } from 'lru-cache';
import type { Digest, UntrustedObject } from '$lib/oci/model';
import type { TagListing } from '../registry/client';

export interface CacheSettings {
	/** Byte bound of the object LRU. 0 disables object caching. */
	maxBytes: number;
	/** Lifetime of a tag → digest answer, ms. 0 disables. */
	tagTtlMs: number;
	/** Lifetime of a tag listing, ms. 0 disables. */
	tagListTtlMs: number;
}

function nonNegative(env: Record<string, string | undefined>, name: string, fallback: number): number {
	const v = env[name];
	if (v === undefined || v.trim() === '') return fallback;
	const n = Number(v);
	if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${v}"`);
	return n;
}

export function parseCacheSettings(env: Record<string, string | undefined>): CacheSettings {
	return {
		maxBytes: Math.floor(nonNegative(env, 'REGSCOPE_CACHE_MB', 64) * 1024 * 1024),
		tagTtlMs: Math.floor(nonNegative(env, 'REGSCOPE_TAG_TTL_SECONDS', 5) * 1000),
		tagListTtlMs: Math.floor(nonNegative(env, 'REGSCOPE_TAG_LIST_TTL_SECONDS', 30) * 1000)
	};
}

/** Bookkeeping cost charged per entry on top of its bytes (key, headers, LRU node). */
export const ENTRY_OVERHEAD = 256;

interface CachedObject {
	bytes: Uint8Array;
	contentType: string | null;
	dockerContentDigest: string | null;
}

export interface CacheStats {
	hits: number;
	misses: number;
	stores: number;
	/** Bytes currently held by the object LRU (including ENTRY_OVERHEAD per entry). */
	bytes: number;
	entries: number;
}

export class RegistryCache {
	readonly settings: CacheSettings;
	private readonly objects: LRUCache<string, CachedObject> | null;
	private readonly tags: LRUCache<string, Digest> | null;
	private readonly tagLists: LRUCache<string, TagListing> | null;
	private readonly inflight = new Map<string, Promise<UntrustedObject>>();
	hits = 0;
	misses = 0;
	stores = 0;

	constructor(settings: CacheSettings, now?: () => number) {
		this.settings = settings;
		// A test clock: lru-cache must then read it on every check (ttlResolution 0), not once per ms tick.
		const perf = now ? { now } : undefined;
		this.objects =
			settings.maxBytes > 0
				? new LRUCache<string, CachedObject>({
						maxSize: settings.maxBytes,
						// one object never takes more than a quarter of the cache
						maxEntrySize: Math.max(ENTRY_OVERHEAD + 1, Math.floor(settings.maxBytes / 4)),
						sizeCalculation: (v, k) => v.bytes.byteLength + k.length + ENTRY_OVERHEAD
					})
				: null;
		this.tags =
			settings.tagTtlMs > 0
				? new LRUCache<string, Digest>({ max: 10_000, ttl: settings.tagTtlMs, ...(perf ? { perf, ttlResolution: 0 } : {}) })
				: null;
		this.tagLists =
			settings.tagListTtlMs > 0
				? new LRUCache<string, TagListing>({
						max: 1_000,
						maxSize: Math.max(256 * 1024, Math.floor(settings.maxBytes / 8)),
						sizeCalculation: (v) => v.tags.reduce((n, t) => n + t.length + 16, 64),
						ttl: settings.tagListTtlMs,
						...(perf ? { perf, ttlResolution: 0 } : {})
					})
				: null;
	}

	stats(): CacheStats {
		return {
			hits: this.hits,
			misses: this.misses,
			stores: this.stores,
			bytes: this.objects?.calculatedSize ?? 0,
			entries: this.objects?.size ?? 0
		};
	}

	clear(): void {
		this.objects?.clear();
		this.tags?.clear();
		this.tagLists?.clear();
	}

	/** A cached, verified object (a copy of the record; the bytes are shared and never mutated). */
	getObject(key: string): UntrustedObject | undefined {
		const v = this.objects?.get(key);
		return v ? { bytes: v.bytes, contentType: v.contentType, dockerContentDigest: v.dockerContentDigest } : undefined;
	}

	/** Stores an object whose bytes the caller has verified against the digest in `key`. */
	putVerified(key: string, obj: UntrustedObject): void {
		if (!this.objects) return;
		this.objects.set(key, { bytes: obj.bytes, contentType: obj.contentType, dockerContentDigest: obj.dockerContentDigest });
		if (this.objects.has(key)) this.stores++;
	}

	/**
	 * A derived answer kept under `key` (one built only from verified objects, e.g. a chain answer by
	 * digest): counted as a hit like a cached object.
	 */
	getMemo(key: string): Uint8Array | undefined {
		const v = this.objects?.get(`memo ${key}`);
		if (v) this.hits++;
		return v?.bytes;
	}

	/** Whether a derived answer is held, without counting a hit (the page render peeks). */
	peekMemo(key: string): Uint8Array | undefined {
		return this.objects?.get(`memo ${key}`)?.bytes;
	}

	/** Keeps a derived answer in the same byte-bounded LRU; its key never collides with a registry object's. */
	putMemo(key: string, bytes: Uint8Array): void {
		if (!this.objects) return;
		this.objects.set(`memo ${key}`, { bytes, contentType: null, dockerContentDigest: null });
		if (this.objects.has(`memo ${key}`)) this.stores++;
	}

	getTag(key: string): Digest | undefined {
		return this.tags?.get(key);
	}

	putTag(key: string, digest: Digest): void {
		this.tags?.set(key, digest);
	}

	getTagList(key: string): TagListing | undefined {
		const v = this.tagLists?.get(key);
		return v ? { tags: [...v.tags], truncated: v.truncated, warnings: [...v.warnings] } : undefined;
	}

	putTagList(key: string, listing: TagListing): void {
		this.tagLists?.set(key, { tags: [...listing.tags], truncated: listing.truncated, warnings: [...listing.warnings] });
	}

	/** One fetch per key at a time: concurrent cold requests for the same object share it. */
	shared(key: string, fetch: () => Promise<UntrustedObject>): Promise<UntrustedObject> {
		let p = this.inflight.get(key);
		if (!p) {
			p = fetch().finally(() => this.inflight.delete(key));
			this.inflight.set(key, p);
		}
		return p;
	}
}

let shared: RegistryCache | undefined;

/** The process-wide cache, configured from the environment on first use. */
export function getCache(): RegistryCache {
	shared ??= new RegistryCache(parseCacheSettings(process.env));
	return shared;
}
