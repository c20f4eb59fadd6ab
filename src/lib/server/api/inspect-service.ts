/**
 * `GET /api/inspect`: what `skopeo inspect` prints, verified. The endpoint only parses the query; the work
 * (core inspection through the server RegistrySource, tags in parallel, raw/config modes) lives here.
 */
import { RegscopeError } from '$lib/oci/errors';
import { inspect, inspectAny } from '$lib/oci/inspect';
import type { Reference } from '$lib/oci/model';
import { parseReference, targetOf } from '$lib/oci/reference';
import { toSkopeoInspect } from '$lib/oci/skopeo';
import { verifyBytes, verifyManifest } from '$lib/oci/verify';
import { cacheControl, cachedRegistrySource, digestEtag, etagMatches, isPrivateAnswer, notModified } from '../cache/cache';
import type { RegistrySourceOptions, ServerRegistrySource } from '../registry/client';
import { errorResponse, flagParam, json, requireParam, safeContentType } from './respond';
import { counted } from '../net/upstream-count';
import { callSignal } from './call-budget';
import { getSettings } from '../settings';

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

function bytesAnswer(bytes: Uint8Array, mediaType: string, digest: string): Response {
	return new Response(bytes as Uint8Array<ArrayBuffer>, {
		status: 200,
		headers: {
			'content-type': safeContentType(mediaType),
			'x-content-type-options': 'nosniff',
			'content-security-policy': "default-src 'none'; sandbox",
			'docker-content-digest': digest,
			'cache-control': 'no-store'
		}
	});
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
 * The endpoint's whole answer, errors included, with HTTP caching and the upstream count:
 * anonymous and digest-addressed (raw, config, or JSON without RepoTags) → `immutable` + ETag (the digest),
 * and a matching `If-None-Match` (never a bare `*`) → 304 without any registry request; by tag, or JSON with
 * RepoTags (which move) → `no-cache`; with user or operator credentials → `private, no-store`. `X-Upstream-Requests` says how many
 * registry requests (token requests and redirect hops included) this answer cost.
 */
export function inspectImage(
	req: InspectRequest | (() => InspectRequest),
	opts: RegistrySourceOptions = {},
	http: { ifNoneMatch?: string | null } = {}
): Promise<Response> {
	return counted('/api/inspect', async () => {
		let res: Response;
		try {
			const r = typeof req === 'function' ? req() : req;
			const ref = parseReference(r.ref);
			const credentialed = isPrivateAnswer(ref, opts);
			const pinned = ref.digest;
			const immutable = !credentialed && !!pinned && (r.raw || r.config || !r.tags);
			if (immutable && etagMatches(http.ifNoneMatch ?? null, digestEtag(pinned!))) {
				res = notModified(digestEtag(pinned!));
			} else {
				res = await inspectUncached(r, opts);
				if (res.status === 200) {
					res.headers.set('cache-control', cacheControl({ credentialed, immutable }));
					if (immutable) res.headers.set('etag', digestEtag(pinned!));
					if (credentialed) res.headers.set('vary', 'X-Registry-Authorization');
				}
			}
		} catch (e) {
			res = errorResponse(e, 'GET /api/inspect');
		}
		return res;
	});
}

async function inspectUncached(req: InspectRequest, opts: RegistrySourceOptions): Promise<Response> {
	const ref = parseReference(req.ref);
	const signal = opts.signal ?? callSignal() ?? AbortSignal.timeout(getSettings().limits.overallTimeoutMs);
	// Cached only when anonymous (cache.ts); with credentials this is the plain source.
	const source = cachedRegistrySource(ref, { ...opts, signal });
	const options = req.platform === undefined ? {} : { platform: req.platform };

	if (req.raw) {
		// skopeo --raw: the top-level manifest (an index stays an index), verified, bytes unchanged.
		const top = await verifyManifest(
			await source.manifest(targetOf(ref)),
			ref.digest ? { basis: 'pinned', digest: ref.digest } : { basis: 'unpinned' }
		);
		return bytesAnswer(top.bytes, top.mediaType, top.verification.digest);
	}

	if (req.config) {
		const inspection = await inspect(source, ref, options);
		if (inspection.format === 'schema1') {
			// skopeo --config --raw prints nothing for schema1; say why instead.
			throw new RegscopeError(
				'INVALID_REQUEST',
				`${req.ref} is a Docker schema1 manifest: it has no config blob (its configuration is in the manifest's history[].v1Compatibility, shown by raw=1)`
			);
		}
		if (inspection.config) {
			const c = inspection.config;
			return bytesAnswer(c.bytes, inspection.manifest.manifest.config.mediaType, c.verification.digest);
		}
		// An artifact: its config is not an image config, but its bytes can still be verified and shown.
		const d = inspection.manifest.manifest.config;
		const bytes = await verifyBytes((await source.blob(d)).bytes, d.digest, d.size);
		return bytesAnswer(bytes, d.mediaType, d.digest);
	}

	const [inspection, tags] = await Promise.all([
		inspectAny(source, ref, options),
		req.tags ? tagsOrWarning(source, ref) : Promise.resolve(null)
	]);
	if (tags) inspection.warnings.push(...tags.warnings);
	return json(toSkopeoInspect(inspection, tags ? tags.tags : null));
}
