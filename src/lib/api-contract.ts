/**
 * What the server's API and the browser agree on: header names and the shapes of answers both sides
 * read. Isomorphic (no Node, no DOM), imported by `$lib/server/api` and `$lib/client` alike, so a renamed
 * header or field cannot drift between them.
 */

/** The custom header the browser-only endpoints require: a cross-origin page cannot send it without a preflight. */
export const PROXY_HEADER = 'X-Registry-Proxy';
/** The user's registry credentials for one call (`Basic …` or `Bearer …`), never in the URL. */
export const CREDENTIALS_HEADER = 'X-Registry-Authorization';
/** How many registry requests (tokens and redirect hops included) one answer cost. */
export const UPSTREAM_REQUESTS_HEADER = 'X-Upstream-Requests';
/** `1` when the operator's credentials (REGSCOPE_AUTH_FILE) answered a challenge for this call. */
export const OPERATOR_CREDENTIALS_HEADER = 'X-Regscope-Operator-Credentials';
/** The pull rate limit the registry reported (Docker Hub style), passed on. */
export const RATE_LIMIT_HEADERS = {
	limit: 'X-Registry-Ratelimit-Limit',
	remaining: 'X-Registry-Ratelimit-Remaining',
	windowSeconds: 'X-Registry-Ratelimit-Window'
} as const;

export interface RateLimit {
	limit?: number;
	remaining?: number;
	/** Window in seconds (`;w=21600`). */
	windowSeconds?: number;
}

/** Facts about how one API call was served, filled while it runs and told to the user with the answer. */
export interface CallReport {
	operatorCredentials?: boolean;
	rateLimit?: RateLimit;
}

/** One object of a `/api/chain` answer, as the registry sent it. */
export interface ChainObject {
	/** `manifest`: asked for by `target` (a tag or a digest). `blob`: the config, by digest and size. */
	kind: 'manifest' | 'blob';
	target: string;
	/** Blobs: the size the manifest's descriptor gives. */
	size?: number;
	contentType: string | null;
	dockerContentDigest: string | null;
	/** The bytes, base64. */
	body: string;
}

/** The `/api/chain` answer. The page trusts none of it: every object is verified against its digest. */
export interface ChainAnswer {
	/** The canonical reference inspected. */
	reference: string;
	platform: string | null;
	objects: ChainObject[];
}
