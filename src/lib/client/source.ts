/**
 * The browser's RegistrySource: every object comes through our narrow proxy endpoints, which take a
 * parsed repository and an object name (never a URL) and hand back the registry's bytes unchanged.
 * Nothing here trusts those bytes; the core's `inspect` verifies each one before it is parsed.
 */
import { CREDENTIALS_HEADER, PROXY_HEADER, type ChainObject } from '$lib/api-contract';
import { base64Decode } from '$lib/oci/base64';
import { errorFromBody, RegscopeError } from '$lib/oci/errors';
import type { Descriptor, UntrustedObject } from '$lib/oci/model';

/**
 * The headers of every proxy call: a custom header forces a CORS preflight, so other sites cannot use the
 * proxy; the user's credentials for this registry when they saved some.
 */
export function proxyHeaders(authorization?: string): Record<string, string> {
	return authorization ? { [PROXY_HEADER]: '1', [CREDENTIALS_HEADER]: authorization } : { [PROXY_HEADER]: '1' };
}

type Fetch = typeof fetch;

/** Per-inspection options: the user's credentials for this registry, and a look at every answer. */
export interface SourceOptions {
	/** Aborts every request of this source (a newer inspection replaced it). */
	signal?: AbortSignal;
	/** The `X-Registry-Authorization` value (only set when the user saved credentials for this host). */
	authorization?: string;
	/** Called with each response's headers (operator-credential and rate-limit reports). */
	onHeaders?: (headers: Headers) => void;
}

function headersFor(opts: SourceOptions): HeadersInit {
	return proxyHeaders(opts.authorization);
}

export interface TagList {
	name: string;
	tags: string[];
	truncated: boolean;
	warnings: string[];
}

async function failure(res: Response, what: string): Promise<RegscopeError> {
	let body: unknown = null;
	try {
		body = await res.json();
	} catch {
		/* not JSON: fall through to the generic message */
	}
	return errorFromBody(body, `${what}: the server answered HTTP ${res.status}`);
}

async function call(fetchFn: Fetch, url: string, what: string, opts: SourceOptions = {}): Promise<Response> {
	let res: Response;
	try {
		res = await fetchFn(url, { headers: headersFor(opts), cache: 'no-store', ...(opts.signal ? { signal: opts.signal } : {}) });
	} catch (e) {
		if (opts.signal?.aborted) throw e;
		throw new RegscopeError('UPSTREAM_ERROR', `${what}: could not reach the regscope server`);
	}
	opts.onHeaders?.(res.headers);
	if (!res.ok) throw await failure(res, what);
	return res;
}

async function untrusted(res: Response): Promise<UntrustedObject> {
	return {
		bytes: new Uint8Array(await res.arrayBuffer()),
		contentType: res.headers.get('content-type'),
		dockerContentDigest: res.headers.get('docker-content-digest')
	};
}

/** A RegistrySource bound to one repository (`repo` as `repositoryName(ref)` spells it). */
export function proxySource(repo: string, fetchFn: Fetch = fetch, opts: SourceOptions = {}) {
	const q = (params: Record<string, string>) => new URLSearchParams({ ref: repo, ...params }).toString();
	return {
		async manifest(target: string): Promise<UntrustedObject> {
			const res = await call(fetchFn, `/api/registry/manifest?${q({ target })}`, `manifest ${target}`, opts);
			return untrusted(res);
		},
		async blob(d: Descriptor): Promise<UntrustedObject> {
			const res = await call(fetchFn, `/api/registry/blob?${q({ digest: d.digest, size: String(d.size) })}`, `blob ${d.digest}`, opts);
			return untrusted(res);
		}
	};
}

/** A chain object as it arrived: the contract's shape, every field still to be checked. */
type ChainObjectJson = { [K in keyof ChainObject]?: unknown };

export function chainQuery(reference: string, platform?: string): string {
	const q = new URLSearchParams({ ref: reference });
	if (platform) q.set('platform', platform);
	return q.toString();
}

/**
 * The `/api/chain` answer as it came: status, headers and the parsed JSON body (null when it was not JSON
 * or never came). Parsed once, so the same answer can feed a second inspection (credentials cleared
 * and typed again) without another request. Nothing in it is trusted.
 */
export interface ChainReply {
	ok: boolean;
	headers: Headers;
	body: unknown;
}

/**
 * Asks the server for the whole chain of a reference. Resolves to null when the request failed (the
 * network, an abort): the inspection then falls back to the per-object proxy, which reports the error.
 */
export async function requestChain(
	reference: string,
	platform: string | undefined,
	fetchFn: Fetch = fetch,
	opts: SourceOptions = {}
): Promise<ChainReply | null> {
	try {
		const res = await fetchFn(`/api/chain?${chainQuery(reference, platform)}`, {
			headers: headersFor(opts),
			...(opts.signal ? { signal: opts.signal } : {})
		});
		let body: unknown = null;
		if (res.ok) body = await res.json().catch(() => null);
		return { ok: res.ok, headers: res.headers, body };
	} catch {
		return null;
	}
}

/** A chain answer the server rendered into the page (it held it in its cache), as if just fetched. */
export function embeddedChain(body: unknown): ChainReply {
	return { ok: true, headers: new Headers(), body };
}

function chainObjects(body: unknown): Map<string, UntrustedObject> {
	const map = new Map<string, UntrustedObject>();
	const objects = body !== null && typeof body === 'object' ? (body as { objects?: unknown }).objects : undefined;
	for (const o of Array.isArray(objects) ? (objects as ChainObjectJson[]) : []) {
		if ((o.kind !== 'manifest' && o.kind !== 'blob') || typeof o.target !== 'string' || typeof o.body !== 'string') continue;
		const bytes = base64Decode(o.body);
		// Not base64: left out, the proxy fetches that object instead.
		if (bytes === null) continue;
		map.set(`${o.kind} ${o.target}`, {
			bytes,
			contentType: typeof o.contentType === 'string' ? o.contentType : null,
			dockerContentDigest: typeof o.dockerContentDigest === 'string' ? o.dockerContentDigest : null
		});
	}
	return map;
}

/**
 * A RegistrySource for one inspection answered from one chain reply (top manifest, chosen child, config,
 * each with its headers). Nothing in the chain is trusted: `inspect` verifies every object against the
 * pinned (or computed) digest and the descriptors, exactly as with the per-object proxy. Anything the
 * chain lacks, and everything when the chain request failed (an error, a mismatch the server saw, an
 * older server), goes through the per-object proxy, so the browser's own checks produce the verdict and
 * every error.
 */
export function chainSource(reply: Promise<ChainReply | null>, repo: string, fetchFn: Fetch = fetch, opts: SourceOptions = {}) {
	const fallback = proxySource(repo, fetchFn, opts);
	let chain: Promise<Map<string, UntrustedObject>> | undefined;
	const load = () =>
		(chain ??= reply.then((r) => {
			if (!r) return new Map<string, UntrustedObject>();
			opts.onHeaders?.(r.headers);
			return r.ok ? chainObjects(r.body) : new Map<string, UntrustedObject>();
		}));
	return {
		async manifest(target: string): Promise<UntrustedObject> {
			return (await load()).get(`manifest ${target}`) ?? fallback.manifest(target);
		},
		async blob(d: Descriptor): Promise<UntrustedObject> {
			return (await load()).get(`blob ${d.digest}`) ?? fallback.blob(d);
		}
	};
}

/** The repository's tags (the server follows pagination and says when it stopped). */
export async function fetchTags(repo: string, fetchFn: Fetch = fetch, opts: SourceOptions = {}): Promise<TagList> {
	const res = await call(fetchFn, `/api/registry/tags?${new URLSearchParams({ ref: repo })}`, 'tag list', opts);
	const body = (await res.json()) as Partial<TagList>;
	return {
		name: typeof body.name === 'string' ? body.name : repo,
		tags: Array.isArray(body.tags) ? body.tags.filter((t): t is string => typeof t === 'string') : [],
		truncated: body.truncated === true,
		warnings: Array.isArray(body.warnings) ? body.warnings.map(String) : []
	};
}
