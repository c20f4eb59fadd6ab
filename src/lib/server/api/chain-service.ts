/**
 * `GET /api/chain?ref=REF[&platform=os/arch[/variant]]`: the whole chain a page needs for its first
 * render, in one answer: the raw bytes of the top manifest (index or image), the chosen platform's
 * manifest (and any nested index on the way) and the config blob, each with the headers the registry
 * sent. The page verifies every object itself, starting from the pinned digest (or, for a tag, the
 * digest it computes), exactly as it would over the per-object proxy: the server saves round trips, it
 * is not trusted.
 *
 * The server walks the chain with the core's own `inspect` (so the platform choice and every error are
 * the core's), through the cached source, recording each object as it passes. Tags are not part of the
 * chain: the page loads them after the first render (`/api/registry/tags`).
 *
 * Answer: `ChainAnswer` ($lib/api-contract) with base64 bodies. By digest and anonymous it is immutable
 * (`ETag` = the digest, `If-None-Match` → 304 without touching the registry); by tag it is revalidated
 * with the resolved digest as ETag; with user credentials, or where the operator's credentials answer for
 * the registry, it is private and nothing is memoized or cached.
 */
import { inspectAny } from '$lib/oci/inspect';
import type { Descriptor, Reference, UntrustedObject } from '$lib/oci/model';
import { formatReference, parseReference, targetOf } from '$lib/oci/reference';
import { algorithmOf } from '$lib/oci/digest';
import { schema1Envelope } from '$lib/oci/schema1';
import { parsePlatform } from '$lib/oci/platform';
import type { ChainAnswer, ChainObject } from '$lib/api-contract';
import type { RegistrySourceOptions } from '../registry/client';
import { cachedRegistrySource, isPrivateAnswer, manifestDigest, repositoryKey } from '../cache/cached-source';
import { getCache, type RegistryCache } from '../cache/store';
import { digestEtag, etagMatches } from '../cache/http-cache';
import { sourceOptions, type Answer, type ApiCall } from './answer';
import { requireParam } from './respond';
import { getSettings } from '../settings';
import { callSignal, chargeBytes } from './call-budget';
import { underDeadline } from '../net/deadline';

export interface ChainRequest {
	ref: string;
	platform?: string;
}

export interface ChainOptions extends Pick<RegistrySourceOptions, 'credentials' | 'report'> {
	signal?: AbortSignal;
	cache?: RegistryCache;
}

export function parseChainQuery(url: URL): ChainRequest {
	const ref = requireParam(url, 'ref');
	const platform = url.searchParams.get('platform');
	const req: ChainRequest = { ref };
	if (platform !== null && platform.trim() !== '') req.platform = platform;
	return req;
}

function record(obj: UntrustedObject, kind: ChainObject['kind'], target: string, size?: number): ChainObject {
	const o: ChainObject = {
		kind,
		target,
		contentType: obj.contentType,
		dockerContentDigest: obj.dockerContentDigest,
		body: Buffer.from(obj.bytes.buffer, obj.bytes.byteOffset, obj.bytes.byteLength).toString('base64')
	};
	if (size !== undefined) o.size = size;
	return o;
}

/** Walks the chain; returns the objects in the order they were fetched, and the top manifest's digest. */
export function fetchChain(req: ChainRequest, opts: ChainOptions = {}): Promise<{ answer: ChainAnswer; topDigest: string }> {
	return underDeadline(opts.signal ?? callSignal(), getSettings().limits.overallTimeoutMs, (signal) => walkChain(req, opts, signal));
}

async function walkChain(req: ChainRequest, opts: ChainOptions, signal: AbortSignal): Promise<{ answer: ChainAnswer; topDigest: string }> {
	const ref = parseReference(req.ref);
	// A platform typo fails before any registry request.
	if (req.platform !== undefined) parsePlatform(req.platform);
	const source = cachedRegistrySource(ref, { signal, credentials: opts.credentials, report: opts.report }, opts.cache);
	const objects: ChainObject[] = [];
	const seen = new Set<string>();
	const recorder = {
		async manifest(target: string) {
			const obj = await source.manifest(target);
			if (!seen.has(`m ${target}`)) {
				seen.add(`m ${target}`);
				objects.push(record(obj, 'manifest', target));
			}
			return obj;
		},
		async blob(d: Descriptor) {
			const obj = await source.blob(d);
			if (!seen.has(`b ${d.digest}`)) {
				seen.add(`b ${d.digest}`);
				objects.push(record(obj, 'blob', d.digest, d.size));
			}
			return obj;
		}
	};
	const answer = { reference: formatReference(ref), platform: req.platform ?? null, objects };
	// A signed schema1 manifest is the whole chain (no children, no config). The server relays it and keys
	// it by its hash; its signatures are for the page to check (schema1Envelope refuses too many).
	const first = await recorder.manifest(targetOf(ref));
	if (schema1Envelope(first.bytes)) {
		const digest = await manifestDigest(first, ref.digest ? algorithmOf(ref.digest) : 'sha256');
		if (digest) return { answer, topDigest: digest };
	}
	const walker = {
		...recorder,
		manifest: (target: string) => (target === targetOf(ref) ? Promise.resolve(first) : recorder.manifest(target))
	};
	const inspection = await inspectAny(walker, ref, req.platform === undefined ? {} : { platform: req.platform });
	const top = inspection.format === 'index' ? inspection.index : (inspection.index ?? inspection.manifest);
	return { answer, topDigest: top.verification.digest };
}

/** Where the anonymous chain answer of a digest reference is kept (the permalink page embeds it from there). */
export function chainMemoKey(ref: Reference, platform?: string): string | null {
	return ref.digest ? `${repositoryKey(ref)}/chain/${ref.digest}?${platform ?? ''}` : null;
}

/**
 * `GET /api/chain`. By digest and anonymous the whole answer is a pure function of (repository, digest,
 * platform): once built from verified objects it is memoized in the cache, so a repeat skips the walk.
 */
export async function chainAnswer(call: ApiCall, cache: RegistryCache = getCache()): Promise<Answer> {
	const req = parseChainQuery(call.url);
	const ref = parseReference(req.ref);
	const opts = sourceOptions(call);
	const privateAnswer = isPrivateAnswer(ref, opts);
	const pinned = privateAnswer ? null : ref.digest;
	if (pinned && etagMatches(call.ifNoneMatch, digestEtag(pinned))) {
		return { kind: 'not-modified', etag: digestEtag(pinned), cache: 'immutable' };
	}
	const memoKey = pinned ? chainMemoKey(ref, req.platform) : null;
	const memo = memoKey ? cache.getMemo(memoKey) : undefined;
	if (memo) return { kind: 'encoded-json', body: memo, cache: 'immutable', etag: digestEtag(pinned!) };
	const { answer, topDigest } = await fetchChain(req, { ...opts, cache });
	// The answer (base64, a third larger than the bytes) is held too: it counts against the call's budget.
	const body = new TextEncoder().encode(JSON.stringify(answer));
	chargeBytes(body.byteLength, 'the chain answer');
	if (memoKey && topDigest === pinned) cache.putMemo(memoKey, body);
	// By tag: the client may revalidate with the resolved digest; a 304 saves the body.
	if (privateAnswer) return { kind: 'encoded-json', body, cache: 'private' };
	return { kind: 'encoded-json', body, cache: ref.digest ? 'immutable' : 'revalidate', etag: digestEtag(topDigest) };
}
