/**
 * A repository's RegistrySource through the cache (store.ts): objects are kept only once their bytes were
 * checked against the digest that names them, and only for anonymous calls (`cachedRegistrySource` returns
 * the plain source whenever the call carries credentials, the user's or the operator's).
 */
import { RegscopeError } from '$lib/oci/errors';
import type { Descriptor, Digest, Reference, UntrustedObject } from '$lib/oci/model';
import { apiHost } from '$lib/oci/reference';
import { verifyBytes } from '$lib/oci/verify';
import { algorithmOf, computeDigest, type DigestAlgorithm } from '$lib/oci/digest';
import { schema1Envelope } from '$lib/oci/schema1';
import { operatorCredentials } from '../registry/credentials';
import { chargeBytes } from '../api/call-budget';
import { getSettings, hostListed, normalizeHost, type Settings } from '../settings';
import { createRegistrySource, type RegistrySourceOptions, type ServerRegistrySource, type TagListing } from '../registry/client';
import { getCache, type RegistryCache } from './store';

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * The cache key prefix of one repository, as security.md E2 asks: an anonymous marker, the scheme and
 * host:port the registry is reached at, and the repository. Manifests add `/manifests/<digest|tag>` (the
 * Accept header is always MANIFEST_ACCEPT), blobs `/blobs/<digest>`.
 */
export function repositoryKey(ref: Reference, settings: Settings = getSettings()): string {
	const host = apiHost(ref).toLowerCase();
	let scheme = 'https';
	try {
		const u = new URL(`http://${host}/`);
		const port = u.port ? Number(u.port) : 80;
		if (hostListed(settings.insecureRegistries, normalizeHost(u.hostname), port)) scheme = 'http';
	} catch {
		/* an invalid host fails in createRegistrySource before any caching */
	}
	return `anon ${scheme}://${host}/${ref.repository}`;
}

/**
 * The digest a manifest's bytes hash to (a signed schema1 manifest: its rebuilt JWS payload), for the cache
 * key. Only hashing: the server keys and relays manifests, it does not check their signatures or parse them
 * (the reader that shows them verifies them). null when the envelope is unusable (refused later anyway).
 */
export async function manifestDigest(obj: UntrustedObject, algorithm: DigestAlgorithm = 'sha256'): Promise<Digest | null> {
	let envelope;
	try {
		envelope = schema1Envelope(obj.bytes);
	} catch (e) {
		if (!(e instanceof RegscopeError)) throw e;
		return null;
	}
	return computeDigest(envelope?.payload ?? obj.bytes, algorithm);
}

async function digestOf(obj: UntrustedObject, pinned: Digest | null): Promise<Digest | null> {
	try {
		return await manifestDigest(obj, pinned ? algorithmOf(pinned) : 'sha256');
	} catch (e) {
		if (!(e instanceof RegscopeError)) throw e;
		return null; // an unsupported algorithm: not cacheable; the caller's own verification says why
	}
}

/** A cached object is worked on by the call like a fetched one (parsed, hashed, copied): it counts too. */
function charged(obj: UntrustedObject, what: string): UntrustedObject {
	chargeBytes(obj.bytes.byteLength, what);
	return obj;
}

/**
 * Wraps a repository's source with the cache. Objects are stored only once verified against their
 * digest (by digest: the requested one; by tag: the computed one, which the tag then points to for
 * `tagTtlMs`). Anything that fails verification is passed through uncached, so the caller's own check
 * reports it exactly as without the cache.
 */
export function cachingSource(inner: ServerRegistrySource, repoKey: string, cache: RegistryCache): ServerRegistrySource {
	const manifestKey = (digest: string) => `${repoKey}/manifests/${digest}`;
	const blobKey = (digest: string) => `${repoKey}/blobs/${digest}`;
	return {
		async manifest(target: string): Promise<UntrustedObject> {
			const byDigest = target.includes(':') && DIGEST.test(target);
			if (byDigest) {
				const key = manifestKey(target);
				const hit = cache.getObject(key);
				if (hit) {
					cache.hits++;
					return charged(hit, `manifest ${target}`);
				}
				cache.misses++;
				return cache.shared(key, async () => {
					const obj = await inner.manifest(target);
					if ((await digestOf(obj, target as Digest)) === target) cache.putVerified(key, obj);
					return obj;
				});
			}
			const tagKey = `${repoKey}/manifests/${target}`;
			const digest = cache.getTag(tagKey);
			if (digest) {
				const hit = cache.getObject(manifestKey(digest));
				if (hit) {
					cache.hits++;
					return charged(hit, `manifest ${target}`);
				}
			}
			cache.misses++;
			return cache.shared(tagKey, async () => {
				const obj = await inner.manifest(target);
				const computed = await digestOf(obj, null);
				if (computed) {
					cache.putVerified(manifestKey(computed), obj);
					cache.putTag(tagKey, computed);
				}
				return obj;
			});
		},

		async blob(d: Descriptor): Promise<UntrustedObject> {
			const key = blobKey(d.digest);
			const hit = cache.getObject(key);
			if (hit && hit.bytes.byteLength === d.size) {
				cache.hits++;
				return charged(hit, `blob ${d.digest}`);
			}
			cache.misses++;
			return cache.shared(`${key}#${d.size}`, async () => {
				const obj = await inner.blob(d);
				try {
					await verifyBytes(obj.bytes, d.digest, d.size);
					cache.putVerified(key, obj);
				} catch (e) {
					if (!(e instanceof RegscopeError)) throw e;
				}
				return obj;
			});
		},

		async tags(): Promise<TagListing> {
			const key = `${repoKey}/tags/list`;
			const hit = cache.getTagList(key);
			if (hit) {
				cache.hits++;
				return hit;
			}
			cache.misses++;
			const listing = await inner.tags();
			cache.putTagList(key, listing);
			return listing;
		}
	};
}

/**
 * The RegistrySource the API services use: cached when the call is anonymous, the plain source when it
 * carries user credentials (nothing fetched with them is ever stored or served from the cache).
 */
export function cachedRegistrySource(
	ref: Reference,
	opts: RegistrySourceOptions = {},
	cache: RegistryCache = getCache()
): ServerRegistrySource {
	if (isCredentialed(opts)) return createRegistrySource(ref, opts);
	// Operator credentials (REGSCOPE_AUTH_FILE) for this registry: what they fetch is not anonymous either.
	const settings = opts.upstream?.settings ?? getSettings();
	if (operatorCredentials(settings.authFile, ref.registry)) return createRegistrySource(ref, opts);
	const repoKey = repositoryKey(ref, settings);
	// A tag resolved with HEAD (registries that count pulls) is served from the cache when its digest is in it.
	const cachedManifest = (digest: string): UntrustedObject | undefined => {
		const hit = cache.getObject(`${repoKey}/manifests/${digest}`);
		if (!hit) return undefined;
		cache.hits++;
		return charged(hit, `manifest ${digest}`);
	};
	return cachingSource(createRegistrySource(ref, { ...opts, cachedManifest }), repoKey, cache);
}

/** Whether a call carries user credentials (then: no server cache, `Cache-Control: private, no-store`). */
export function isCredentialed(opts: RegistrySourceOptions): boolean {
	return opts.credentials !== undefined && opts.credentials !== null;
}

/**
 * Whether an answer about `ref` may only ever be private: the user sent credentials, or the operator's
 * (REGSCOPE_AUTH_FILE) would answer this registry's challenges. Then no memo, no server cache, no 304
 * shortcut, and `Cache-Control: private, no-store`: what those credentials can read must not be kept by a
 * shared cache in front, nor replayed to the next anonymous caller.
 */
export function isPrivateAnswer(ref: Reference, opts: RegistrySourceOptions): boolean {
	if (isCredentialed(opts)) return true;
	const settings = opts.upstream?.settings ?? getSettings();
	return operatorCredentials(settings.authFile, ref.registry) !== undefined;
}
