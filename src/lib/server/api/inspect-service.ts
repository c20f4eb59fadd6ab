/**
 * `GET /api/inspect`: what `skopeo inspect` prints, verified: the core's inspection through the server's
 * RegistrySource, tags in parallel, raw/config modes.
 */
import { RegscopeError } from '$lib/oci/errors';
import { inspect, inspectAny } from '$lib/oci/inspect';
import type { Reference } from '$lib/oci/model';
import { parseReference, targetOf } from '$lib/oci/reference';
import { toSkopeoInspect } from '$lib/oci/skopeo';
import { verifyBytes, verifyManifest } from '$lib/oci/verify';
import { cachedRegistrySource, isPrivateAnswer } from '../cache/cached-source';
import { digestEtag, etagMatches, type CacheClass } from '../cache/http-cache';
import type { ServerRegistrySource } from '../registry/client';
import { json, sourceOptions, type Answer, type ApiCall } from './answer';
import { flagParam, requireParam } from './respond';

export interface InspectRequest {
	ref: string;
	platform?: string;
	raw: boolean;
	config: boolean;
	tags: boolean;
}

export function parseInspectQuery(url: URL): InspectRequest {
	const ref = requireParam(url, 'ref');
	const platform = url.searchParams.get('platform');
	const req: InspectRequest = {
		ref,
		raw: flagParam(url, 'raw', false),
		config: flagParam(url, 'config', false),
		tags: flagParam(url, 'tags', true)
	};
	if (platform !== null && platform.trim() !== '') req.platform = platform;
	if (req.raw && req.config) {
		throw new RegscopeError('INVALID_REQUEST', 'raw=1 and config=1 cannot be combined: ask for one of them');
	}
	return req;
}

/** A manifest or config as the registry sent it, shown inline (curl, a browser tab), never rendered. */
function bytesAnswer(bytes: Uint8Array, mediaType: string, digest: string, caching: { cache: CacheClass; etag?: string }): Answer {
	return { kind: 'bytes', body: bytes, contentType: mediaType, download: false, headers: { 'docker-content-digest': digest }, ...caching };
}

async function tagsOrWarning(source: ServerRegistrySource, ref: Reference): Promise<{ tags: string[]; warnings: string[] }> {
	try {
		const t = await source.tags();
		return { tags: t.tags, warnings: t.warnings.map((w) => `Tags of ${ref.repository}: ${w}.`) };
	} catch (e) {
		const why = e instanceof RegscopeError ? e.message : 'unexpected error';
		if (!(e instanceof RegscopeError)) console.error('[error] tag listing failed:', e);
		return { tags: [], warnings: [`The tags of ${ref.repository} could not be listed (${why}); RepoTags is empty.`] };
	}
}

/**
 * `GET /api/inspect`. Anonymous and digest-addressed (raw, config, or JSON without RepoTags) → `immutable`
 * with the digest as ETag, and a matching `If-None-Match` (never a bare `*`) → 304 without any registry
 * request; by tag, or JSON with RepoTags (which move) → `revalidate`; with the user's or the operator's
 * credentials → `private`.
 */
export async function inspectImage(call: ApiCall): Promise<Answer> {
	const r = parseInspectQuery(call.url);
	const ref = parseReference(r.ref);
	const opts = sourceOptions(call);
	const privateAnswer = isPrivateAnswer(ref, opts);
	const pinned = privateAnswer ? null : ref.digest;
	const etag = pinned && (r.raw || r.config || !r.tags) ? digestEtag(pinned) : undefined;
	if (etag && etagMatches(call.ifNoneMatch, etag)) return { kind: 'not-modified', etag, cache: 'immutable' };
	const caching: { cache: CacheClass; etag?: string } = privateAnswer
		? { cache: 'private' }
		: etag
			? { cache: 'immutable', etag }
			: { cache: 'revalidate' };
	// Cached only when anonymous (cache.ts); with credentials this is the plain source.
	const source = cachedRegistrySource(ref, opts);
	const options = r.platform === undefined ? {} : { platform: r.platform };

	if (r.raw) {
		// skopeo --raw: the top-level manifest (an index stays an index), verified, bytes unchanged.
		const top = await verifyManifest(
			await source.manifest(targetOf(ref)),
			ref.digest ? { basis: 'pinned', digest: ref.digest } : { basis: 'unpinned' }
		);
		return bytesAnswer(top.bytes, top.mediaType, top.verification.digest, caching);
	}

	if (r.config) {
		const inspection = await inspect(source, ref, options);
		if (inspection.format === 'schema1') {
			// skopeo --config --raw prints nothing for schema1; say why instead.
			throw new RegscopeError(
				'INVALID_REQUEST',
				`${r.ref} is a Docker schema1 manifest: it has no config blob (its configuration is in the manifest's history[].v1Compatibility, shown by raw=1)`
			);
		}
		if (inspection.config) {
			const c = inspection.config;
			return bytesAnswer(c.bytes, inspection.manifest.manifest.config.mediaType, c.verification.digest, caching);
		}
		// An artifact: its config is not an image config, but its bytes can still be verified and shown.
		const d = inspection.manifest.manifest.config;
		const bytes = await verifyBytes((await source.blob(d)).bytes, d.digest, d.size);
		return bytesAnswer(bytes, d.mediaType, d.digest, caching);
	}

	const [inspection, tags] = await Promise.all([
		inspectAny(source, ref, options),
		r.tags ? tagsOrWarning(source, ref) : Promise.resolve(null)
	]);
	if (tags) inspection.warnings.push(...tags.warnings);
	return json(toSkopeoInspect(inspection, tags ? tags.tags : null), caching.cache, caching.etag);
}
