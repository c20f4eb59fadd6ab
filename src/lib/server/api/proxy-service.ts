/**
 * The browser proxy: registry bytes passed through unchanged for the web UI, which verifies them itself.
 * Takes only a parsed reference plus a tag/digest: never a URL.
 */
import { RegscopeError } from '$lib/oci/errors';
import type { Descriptor, Digest } from '$lib/oci/model';
import { algorithmOf, computeDigest, parseDigest } from '$lib/oci/digest';
import { isValidTag, parseReference, repositoryName } from '$lib/oci/reference';
import type { UntrustedObject } from '$lib/oci/model';
import { cachedRegistrySource, isPrivateAnswer, manifestDigest } from '../cache/cached-source';
import { digestEtag } from '../cache/http-cache';
import { json, sourceOptions, type Answer, type ApiCall } from './answer';
import { requireParam, sizeParam } from './respond';

/** A manifest is named by its hash (schema1: of its rebuilt payload), a blob by the hash of its bytes. */
async function digestMatches(obj: UntrustedObject, digest: Digest, kind: 'manifest' | 'blob'): Promise<boolean> {
	try {
		const computed =
			kind === 'manifest' ? await manifestDigest(obj, algorithmOf(digest)) : await computeDigest(obj.bytes, algorithmOf(digest));
		return computed === digest;
	} catch {
		return false;
	}
}

/**
 * Registry bytes for the page. By-digest answers are `immutable` only when the bytes really hash to that
 * digest (else a wrong answer would be cached for a year), and `no-store` when they do not; by tag they
 * are revalidated. The browser verifies either way.
 */
async function bytesAnswer(
	obj: UntrustedObject,
	digest: Digest | null,
	kind: 'manifest' | 'blob',
	privateAnswer: boolean
): Promise<Answer> {
	const headers: Record<string, string> = {};
	if (obj.dockerContentDigest !== null && /^[\x21-\x7e]{1,200}$/.test(obj.dockerContentDigest)) {
		headers['docker-content-digest'] = obj.dockerContentDigest;
	}
	const answer = { kind: 'bytes' as const, body: obj.bytes, contentType: obj.contentType, download: true, headers };
	if (privateAnswer) return { ...answer, cache: 'private' };
	if (digest === null) return { ...answer, cache: 'revalidate' };
	if (!(await digestMatches(obj, digest, kind))) return { ...answer, cache: 'no-store' };
	return { ...answer, cache: 'immutable', etag: digestEtag(digest) };
}

/** `GET /api/registry/manifest?ref=REPO_REF&target=TAG_OR_DIGEST` */
export async function proxyManifest(call: ApiCall): Promise<Answer> {
	const ref = parseReference(requireParam(call.url, 'ref'));
	const target = requireParam(call.url, 'target').trim();
	let digest: Digest | null = null;
	if (target.includes(':')) {
		digest = parseDigest(target, 'target', 'INVALID_REQUEST');
	} else if (!isValidTag(target)) {
		throw new RegscopeError('INVALID_REQUEST', `target "${target.slice(0, 80)}" is neither a valid tag nor a digest`);
	}
	const opts = sourceOptions(call);
	const source = cachedRegistrySource(ref, opts);
	return bytesAnswer(await source.manifest(target), digest, 'manifest', isPrivateAnswer(ref, opts));
}

/** `GET /api/registry/blob?ref=REPO_REF&digest=D&size=N` (with `layer=1`: layer-service.ts) */
export async function proxyBlob(call: ApiCall): Promise<Answer> {
	const ref = parseReference(requireParam(call.url, 'ref'));
	const digest = parseDigest(requireParam(call.url, 'digest').trim(), 'digest', 'INVALID_REQUEST');
	const d: Descriptor = { mediaType: 'application/octet-stream', digest, size: sizeParam(call.url) };
	const opts = sourceOptions(call);
	const source = cachedRegistrySource(ref, opts);
	return bytesAnswer(await source.blob(d), digest, 'blob', isPrivateAnswer(ref, opts));
}

/** `GET /api/registry/tags?ref=REPO_REF` → `{ name, tags, truncated, warnings }` */
export async function proxyTags(call: ApiCall): Promise<Answer> {
	const ref = parseReference(requireParam(call.url, 'ref'));
	const listing = await cachedRegistrySource(ref, sourceOptions(call)).tags();
	return json({ name: repositoryName(ref), ...listing }, 'no-store');
}
