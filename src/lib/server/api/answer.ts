/**
 * What a service gives the pipeline: data plus how it may be cached, never a `Response`. The pipeline
 * (pipeline.ts) turns an answer into HTTP, the same way for every endpoint.
 */
import type { CallReport } from '$lib/api-contract';
import type { CacheClass } from '../cache/http-cache';
import type { Credentials } from '../registry/credentials';
import type { RegistrySourceOptions } from '../registry/client';

/** One API call, as every service receives it. */
export interface ApiCall {
	url: URL;
	/** The user's credentials for this call (X-Registry-Authorization), when sent. */
	credentials?: Credentials;
	/** Filled while the call runs (rate limit, operator credentials used); said with the answer. */
	report: CallReport;
	/** The call's deadline, or the client going away. */
	signal: AbortSignal;
	/** The client going away only: for a layer stream, which may outlive the deadline of the call. */
	clientSignal: AbortSignal;
	/** The client's address (per-client caps). */
	client: string;
	ifNoneMatch: string | null;
}

interface Caching {
	cache: CacheClass;
	/** For `immutable` and `revalidate` answers: the client may send it back in If-None-Match. */
	etag?: string;
}

export type Answer =
	/** A JSON value; the call report's fields are added to it on endpoints that say so. */
	| ({ kind: 'json'; body: unknown } & Caching)
	/** JSON already encoded (a memoized answer), sent as is. */
	| ({ kind: 'encoded-json'; body: Uint8Array } & Caching)
	/**
	 * A registry's bytes (or a stream of them), served so no browser renders them. `download` adds
	 * `Content-Disposition: attachment` (the browser proxy; `/api/inspect?raw=1` shows them inline).
	 */
	| ({
			kind: 'bytes';
			body: Uint8Array | ReadableStream<Uint8Array>;
			contentType: string | null;
			download: boolean;
			headers?: Record<string, string>;
	  } & Caching)
	/** The client already holds this answer: 304, decided before any registry request. */
	| { kind: 'not-modified'; etag: string; cache: CacheClass };

export type Service = (call: ApiCall) => Promise<Answer>;

/** The registry-source options of a call: its credentials, its report and its deadline. */
export function sourceOptions(call: ApiCall): RegistrySourceOptions {
	return { credentials: call.credentials, report: call.report, signal: call.signal };
}

export function json(body: unknown, cache: CacheClass, etag?: string): Answer {
	return etag === undefined ? { kind: 'json', body, cache } : { kind: 'json', body, cache, etag };
}
