/**
 * The server's RegistrySource: manifests, config blobs, documents, layer streams, tag lists, catalog and
 * referrers pages of one repository, over one session (session.ts: the challenge flow) with the
 * registry's errors mapped to RegscopeErrors (errors.ts).
 *
 * Bytes are returned exactly as received; verification is the core's job (verify.ts).
 */
import type { Readable } from 'node:stream';
import { RegscopeError } from '$lib/oci/errors';
import type { Descriptor, Reference, UntrustedObject } from '$lib/oci/model';
import { MANIFEST_ACCEPT } from '$lib/oci/media-types';
import { isValidTag } from '$lib/oci/reference';
import { untrustedText } from '$lib/oci/text';
import { AuthManager, getAuthManager } from './auth';
import type { Credentials } from './credentials';
import { header } from '../net/headers';
import { getUpstream, type Upstream } from '../net/http';
import { countingUpstream } from '../net/upstream-count';
import { registryError } from './errors';
import { catalogPage, referrerPages, STRICT_DIGEST, untrusted, type CatalogPage, type ReferrersAnswer } from './listings';
import { countsPullsAt } from './rate-limit';
import { openSession, type SendOptions, type Session, type SourceReport } from './session';
import { listTags, type TagListing } from './tag-pages';

// The source's types, so its users import it from one place.
export type { CatalogPage, ReferrersAnswer } from './listings';
export type { RateLimit } from './rate-limit';
export type { SourceReport } from './session';
export type { TagListing } from './tag-pages';

export interface ServerRegistrySource {
	manifest(target: string): Promise<UntrustedObject>;
	blob(d: Descriptor): Promise<UntrustedObject>;
	tags(): Promise<TagListing>;
	/** What a tag points to by the registry's HEAD answer (Docker-Content-Digest), or null when it sends none. */
	headDigest?(tag: string): Promise<string | null>;
	/** One page of the registry's `/v2/_catalog` (the bound repository only names the registry). */
	catalog?(page: { n: number; last?: string }): Promise<CatalogPage>;
}

/** What the supply-chain service needs beyond the inspection source (referrers-service.ts). */
export interface ReferrersSource {
	referrers(digest: string, artifactType?: string, maxPages?: number): Promise<ReferrersAnswer>;
	/** A blob up to `maxBytes` (signature payloads, attestations, SBOMs), not only config-sized. */
	document(d: Descriptor, maxBytes: number): Promise<UntrustedObject>;
}

/** A layer blob being received: the body unread, for layer-stream.ts to count and pass on. */
export interface BlobStream {
	stream: Readable;
	contentLength: number | null;
	dockerContentDigest: string | null;
}

/** The source createRegistrySource makes: also streams layer blobs (never through the object cache). */
export interface StreamingRegistrySource extends ServerRegistrySource {
	blobStream(d: Descriptor, maxBytes: number): Promise<BlobStream>;
}

export interface RegistrySourceOptions {
	/** Overall deadline / cancellation for every request this source makes. */
	signal?: AbortSignal;
	upstream?: Upstream;
	auth?: AuthManager;
	/** The user's own credentials for this one call (X-Registry-Authorization). */
	credentials?: Credentials;
	/** Filled in while the source works: what the API answer should tell the user (see SourceReport). */
	report?: SourceReport;
	/**
	 * A by-digest manifest lookup (the server cache, anonymous calls only). Where tags are resolved with HEAD
	 * (Docker Hub and registries that report a pull rate limit), a hit saves the counted GET.
	 */
	cachedManifest?: (digest: string) => Promise<UntrustedObject | undefined> | UntrustedObject | undefined;
}

const DOCKER_HUB_API = 'registry-1.docker.io';
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** A blob up to the size its descriptor gives: more bytes than that cannot be the blob it names. */
async function sizedBlob(session: Session, d: Descriptor, limit: number, kind: string): Promise<UntrustedObject> {
	if (typeof d.digest !== 'string' || !DIGEST.test(d.digest))
		throw new RegscopeError('INVALID_REQUEST', 'the blob digest is not a valid digest');
	if (!Number.isSafeInteger(d.size) || d.size < 0) throw new RegscopeError('INVALID_REQUEST', `blob ${d.digest} has an invalid size`);
	if (d.size > limit) {
		throw new RegscopeError('BLOB_TOO_LARGE', `blob ${d.digest} is ${d.size} bytes; regscope reads ${kind} up to ${limit} bytes`, {
			limit
		});
	}
	const res = await session.send(session.build(`/v2/${session.repo}/blobs/${d.digest}`), {
		maxBytes: d.size,
		tooLarge: 'DIGEST_MISMATCH',
		what: `blob ${d.digest}`,
		template: '/v2/<name>/blobs/<digest>'
	});
	if (res.status !== 200) throw registryError(res, { ...session, what: 'blob', target: d.digest });
	return untrusted(res);
}

export function createRegistrySource(ref: Reference, opts: RegistrySourceOptions = {}): StreamingRegistrySource & ReferrersSource {
	// Counted per API call (X-Upstream-Requests); see upstream-count.ts.
	const upstream = countingUpstream(opts.upstream ?? getUpstream());
	const auth = opts.auth ?? (opts.upstream ? new AuthManager(upstream) : getAuthManager());
	const limits = upstream.settings.limits;
	const session = openSession(ref, { upstream, auth, signal: opts.signal, credentials: opts.credentials, report: opts.report });
	const { repo } = session;
	const manifestOptions = (what: string, template: string, method?: 'HEAD'): SendOptions => ({
		...(method ? { method } : {}),
		accept: MANIFEST_ACCEPT,
		maxBytes: limits.manifestBytes,
		tooLarge: 'MANIFEST_TOO_LARGE',
		what,
		template
	});
	const failed = (res: Parameters<typeof registryError>[0], what: 'manifest' | 'blob', target: string) =>
		registryError(res, { ...session, what, target });

	return {
		async manifest(target: string): Promise<UntrustedObject> {
			if (!isValidTag(target) && !DIGEST.test(target)) {
				throw new RegscopeError('INVALID_REFERENCE', `"${untrustedText(target, 80)}" is neither a tag nor a digest`);
			}
			const url = session.build(`/v2/${repo}/manifests/${target}`);
			if (!DIGEST.test(target) && (session.hostname === DOCKER_HUB_API || countsPullsAt(session.origin))) {
				// HEAD is not a counted pull: resolve the tag, then use the by-digest copy if one is at hand.
				const head = await session.send(url, manifestOptions(`manifest ${repo}:${target}`, '/v2/<name>/manifests/<ref> (HEAD)', 'HEAD'));
				if (head.status === 404 || head.status === 429 || head.status === 401 || head.status === 403)
					throw failed(head, 'manifest', target);
				const resolved = head.status === 200 ? header(head.headers, 'docker-content-digest')?.trim() : undefined;
				if (resolved && STRICT_DIGEST.test(resolved)) {
					const hit = await opts.cachedManifest?.(resolved);
					if (hit) return hit;
					const byDigest = await session.send(
						session.build(`/v2/${repo}/manifests/${resolved}`),
						manifestOptions(`manifest ${repo}:${target} (${resolved})`, '/v2/<name>/manifests/<ref>')
					);
					if (byDigest.status !== 200) throw failed(byDigest, 'manifest', resolved);
					return untrusted(byDigest);
				}
			}
			const res = await session.send(
				url,
				manifestOptions(`manifest ${repo}${DIGEST.test(target) ? '@' : ':'}${target}`, '/v2/<name>/manifests/<ref>')
			);
			if (res.status !== 200) throw failed(res, 'manifest', target);
			return untrusted(res);
		},

		blob: (d: Descriptor) => sizedBlob(session, d, limits.configBytes, 'config blobs'),

		async blobStream(d: Descriptor, maxBytes: number): Promise<BlobStream> {
			if (typeof d.digest !== 'string' || !STRICT_DIGEST.test(d.digest)) {
				throw new RegscopeError('INVALID_REQUEST', 'the layer digest is not a valid digest');
			}
			const res = await session.send(session.build(`/v2/${repo}/blobs/${d.digest}`), {
				maxBytes,
				tooLarge: 'BLOB_TOO_LARGE',
				what: `layer ${d.digest}`,
				template: '/v2/<name>/blobs/<digest> (layer)',
				stream: true
			});
			if (res.status !== 200 || !res.stream) {
				res.stream?.destroy();
				throw failed(res, 'blob', d.digest);
			}
			const length = Number(header(res.headers, 'content-length') ?? NaN);
			return {
				stream: res.stream,
				contentLength: Number.isSafeInteger(length) ? length : null,
				dockerContentDigest: header(res.headers, 'docker-content-digest')
			};
		},

		tags: () => listTags(session, limits),

		async headDigest(tag: string): Promise<string | null> {
			if (!isValidTag(tag)) throw new RegscopeError('INVALID_REFERENCE', `"${untrustedText(tag, 80)}" is not a tag`);
			const res = await session.send(
				session.build(`/v2/${repo}/manifests/${tag}`),
				manifestOptions(`manifest ${repo}:${tag}`, '/v2/<name>/manifests/<ref> (HEAD)', 'HEAD')
			);
			if (res.status === 405 || res.status === 501) return null;
			if (res.status !== 200) throw failed(res, 'manifest', tag);
			const digest = header(res.headers, 'docker-content-digest')?.trim();
			return digest && STRICT_DIGEST.test(digest) ? digest : null;
		},

		catalog: (page: { n: number; last?: string }) => catalogPage(session, limits, page),

		referrers: (digest: string, artifactType?: string, maxPages?: number) => referrerPages(session, limits, digest, artifactType, maxPages),

		async document(d: Descriptor, maxBytes: number): Promise<UntrustedObject> {
			if (!STRICT_DIGEST.test(d.digest)) throw new RegscopeError('INVALID_REQUEST', 'the blob digest is not a sha256/sha512 digest');
			return sizedBlob(session, d, maxBytes, 'documents');
		}
	};
}
