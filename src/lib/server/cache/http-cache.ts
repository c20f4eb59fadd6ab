/**
 * HTTP caching of API answers, decided in one place. A service names its answer's cache class (and, for a
 * digest-addressed answer, an ETag); this module turns that into `Cache-Control`, `ETag`, `Vary` and 304s.
 *
 * - `immutable`: anonymous and addressed by a digest whose bytes were checked → kept a year, ETag the digest.
 * - `revalidate`: anonymous, by tag (or listing) → `no-cache`: a cache may keep it but asks again each time.
 * - `private`: fetched with the user's or the operator's credentials → `private, no-store`, varying on the
 *   credential header, no ETag: no shared cache keeps it and it is never replayed to an anonymous caller.
 * - `no-store`: not worth keeping or not checked by the server (documents, listings built per call).
 */
import { CREDENTIALS_HEADER } from '$lib/api-contract';

export type CacheClass = 'immutable' | 'revalidate' | 'private' | 'no-store';

const CACHE_CONTROL: Record<CacheClass, string> = {
	immutable: 'public, max-age=31536000, immutable',
	revalidate: 'no-cache',
	private: 'private, no-store',
	'no-store': 'no-store'
};

/** The strong ETag for a digest-addressed answer. */
export function digestEtag(digest: string): string {
	return `"${digest}"`;
}

/**
 * Whether `If-None-Match` names `etag` (weak comparison, RFC 9110 §13.1.2). `*` ("any current
 * representation") counts only with `exists`: when the server has just produced the answer, never as a
 * shortcut for a digest it has not seen.
 */
export function etagMatches(ifNoneMatch: string | null, etag: string, exists = false): boolean {
	if (!ifNoneMatch) return false;
	const want = etag.replace(/^W\//, '');
	return ifNoneMatch.split(',').some((t) => {
		const s = t.trim();
		return (s === '*' && exists) || (s !== '*' && s.replace(/^W\//, '') === want);
	});
}

/** The class an answer gets once credentials are known: any credentials make it private. */
export function effectiveClass(cls: CacheClass, credentialed: boolean): CacheClass {
	return credentialed ? 'private' : cls;
}

/** Sets the caching headers of an answer of class `cls` (already made private where credentials were used). */
export function setCacheHeaders(headers: Headers, cls: CacheClass, etag?: string): void {
	headers.set('cache-control', CACHE_CONTROL[cls]);
	if (cls === 'private') {
		headers.set('vary', CREDENTIALS_HEADER);
		headers.delete('etag');
	} else if (etag !== undefined) {
		headers.set('etag', etag);
	}
}

/** A 304 for an answer the client already holds. */
export function notModified(etag: string, cls: CacheClass): Response {
	const headers = new Headers();
	setCacheHeaders(headers, cls, etag);
	return new Response(null, { status: 304, headers });
}
