/**
 * The browser proxy: registry bytes passed through unchanged for the web UI, which verifies them itself.
 * Takes only a parsed reference plus a tag/digest: never a URL.
 */
import { RegscopeError } from '$lib/oci/errors';
import type { Descriptor, Digest } from '$lib/oci/model';
import { algorithmOf, computeDigest, parseDigest } from '$lib/oci/digest';
import { isValidTag, parseReference, repositoryName } from '$lib/oci/reference';
import { cachedRegistrySource, digestEtag, isPrivateAnswer, manifestDigest } from '../cache/cache';
import { counted } from '../net/upstream-count';
import { callSignal } from './call-budget';
import { bytesHeaders, json, requireParam } from './respond';
import { getSettings } from '../settings';
import type { UntrustedObject } from '$lib/oci/model';
import type { RegistrySourceOptions } from '../registry/client';

/** Per-call options the endpoint passes: the user's credentials and the report to fill. */
export type ProxyOptions = Pick<RegistrySourceOptions, 'credentials' | 'report'>;

function deadline(): AbortSignal {
	return callSignal() ?? AbortSignal.timeout(getSettings().limits.overallTimeoutMs);
}

/** A manifest is named by its hash (schema1: of its rebuilt payload), a blob by the hash of its bytes. */
async function digestMatches(obj: UntrustedObject, digest: Digest, kind: 'manifest' | 'blob'): Promise<boolean> {
	try {
		const computed = kind === 'manifest' ? await manifestDigest(obj, algorithmOf(digest)) : await computeDigest(obj.bytes, algorithmOf(digest));
		return computed === digest;
	} catch {
		return false;
	}
}

/**
 * Answers registry bytes. By-digest answers are marked immutable only when the bytes really hash to that
 * digest (else a wrong answer would be cached for a year); the browser verifies either way.
 */
async function bytesResponse(obj: UntrustedObject, digest: Digest | null, kind: 'manifest' | 'blob', privateAnswer: boolean): Promise<Response> {
	const immutable = !privateAnswer && digest !== null && (await digestMatches(obj, digest, kind));
	const headers = bytesHeaders(obj.contentType, immutable);
	if (privateAnswer) headers['cache-control'] = 'private, no-store';
	else if (digest !== null && !immutable) headers['cache-control'] = 'no-store';
	if (immutable && digest !== null) headers.etag = digestEtag(digest);
	if (obj.dockerContentDigest !== null && /^[\x21-\x7e]{1,200}$/.test(obj.dockerContentDigest)) {
		headers['docker-content-digest'] = obj.dockerContentDigest;
	}
	return new Response(obj.bytes as Uint8Array<ArrayBuffer>, { status: 200, headers });
}

/** `GET /api/registry/manifest?ref=REPO_REF&target=TAG_OR_DIGEST` */
export function proxyManifest(url: URL, opts: ProxyOptions = {}): Promise<Response> {
	return counted('/api/registry/manifest', () => proxyManifestUncounted(url, opts));
}

async function proxyManifestUncounted(url: URL, opts: ProxyOptions): Promise<Response> {
	const ref = parseReference(requireParam(url, 'ref'));
	const target = requireParam(url, 'target').trim();
	let digest: Digest | null = null;
	if (target.includes(':')) {
		digest = parseDigest(target, 'target', 'INVALID_REQUEST');
	} else if (!isValidTag(target)) {
		throw new RegscopeError('INVALID_REQUEST', `target "${target.slice(0, 80)}" is neither a valid tag nor a digest`);
	}
	const source = cachedRegistrySource(ref, { ...opts, signal: deadline() });
	return bytesResponse(await source.manifest(target), digest, 'manifest', isPrivateAnswer(ref, opts));
}

/** `GET /api/registry/blob?ref=REPO_REF&digest=D&size=N` */
export function proxyBlob(url: URL, opts: ProxyOptions = {}): Promise<Response> {
	return counted('/api/registry/blob', () => proxyBlobUncounted(url, opts));
}

async function proxyBlobUncounted(url: URL, opts: ProxyOptions): Promise<Response> {
	const ref = parseReference(requireParam(url, 'ref'));
	const digest = parseDigest(requireParam(url, 'digest').trim(), 'digest', 'INVALID_REQUEST');
	const sizeText = requireParam(url, 'size').trim();
	if (!/^\d{1,15}$/.test(sizeText)) {
		throw new RegscopeError('INVALID_REQUEST', 'the query parameter "size" must be a non-negative integer');
	}
	const d: Descriptor = { mediaType: 'application/octet-stream', digest, size: Number(sizeText) };
	const source = cachedRegistrySource(ref, { ...opts, signal: deadline() });
	return bytesResponse(await source.blob(d), digest, 'blob', isPrivateAnswer(ref, opts));
}

/** `GET /api/registry/tags?ref=REPO_REF` → `{ name, tags, truncated, warnings }` */
export function proxyTags(url: URL, opts: ProxyOptions = {}): Promise<Response> {
	return counted('/api/registry/tags', () => proxyTagsUncounted(url, opts));
}

async function proxyTagsUncounted(url: URL, opts: ProxyOptions): Promise<Response> {
	const ref = parseReference(requireParam(url, 'ref'));
	const source = cachedRegistrySource(ref, { ...opts, signal: deadline() });
	const listing = await source.tags();
	return json({ name: repositoryName(ref), ...listing });
}
