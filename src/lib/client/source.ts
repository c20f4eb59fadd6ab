/**
 * The browser's RegistrySource: every object comes through our narrow proxy endpoints, which take a
 * parsed repository and an object name (never a URL) and hand back the registry's bytes unchanged.
 * Nothing here trusts those bytes; the core's `inspect` verifies each one before it is parsed.
 */
import { base64Decode } from '$lib/oci/base64';
import { errorFromBody, RegscopeError } from '$lib/oci/errors';
import type { Descriptor, UntrustedObject } from '$lib/oci/model';

/** Sent on every proxy call: a custom header forces a CORS preflight, so other sites cannot use the proxy. */
export const PROXY_HEADER = { 'X-Registry-Proxy': '1' } as const;

type Fetch = typeof fetch;

/** Per-inspection options: the user's credentials for this registry, and a look at every answer. */
export interface SourceOptions {
	/** The `X-Registry-Authorization` value (only set when the user saved credentials for this host). */
	authorization?: string;
	/** Called with each response's headers (operator-credential and rate-limit reports). */
	onHeaders?: (headers: Headers) => void;
}

function headersFor(opts: SourceOptions): HeadersInit {
	return opts.authorization ? { ...PROXY_HEADER, 'X-Registry-Authorization': opts.authorization } : PROXY_HEADER;
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
		res = await fetchFn(url, { headers: headersFor(opts), cache: 'no-store' });
	} catch {
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
			const res = await call(
				fetchFn,
				`/api/registry/blob?${q({ digest: d.digest, size: String(d.size) })}`,
				`blob ${d.digest}`,
				opts
			);
			return untrusted(res);
		}
	};
}

interface ChainObjectJson {
	kind?: unknown;
	target?: unknown;
	contentType?: unknown;
	dockerContentDigest?: unknown;
	body?: unknown;
}

const PREFETCH_TTL_MS = 10_000;
const prefetched = new Map<string, { at: number; res: Promise<Response | null> }>();

function chainQuery(reference: string, platform?: string): string {
	const q = new URLSearchParams({ ref: reference });
	if (platform) q.set('platform', platform);
	return q.toString();
}

/**
 * Starts the `/api/chain` request early (the permalink's browser-side `load`, before the page hydrates),
 * so that it runs while the page's code mounts. Only the raw response is kept: `chainSource` takes it
 * (once, and only for the same reference, platform and credentials) and `inspect` verifies every byte
 * exactly as if it had fetched it itself. Unused prefetches expire after a few seconds.
 */
export function prefetchChain(reference: string, platform?: string, fetchFn: Fetch = fetch, opts: SourceOptions = {}): void {
	const now = Date.now();
	for (const [k, v] of prefetched) if (now - v.at > PREFETCH_TTL_MS) prefetched.delete(k);
	const key = `${chainQuery(reference, platform)}\n${opts.authorization ?? ''}`;
	if (prefetched.has(key)) return;
	const res = fetchFn(`/api/chain?${chainQuery(reference, platform)}`, { headers: headersFor(opts) }).catch(() => null);
	prefetched.set(key, { at: now, res });
}

/** The prefetched chain response for this request, taken once; undefined when there is none (or it is stale). */
function takePrefetched(query: string, authorization?: string): Promise<Response | null> | undefined {
	const key = `${query}\n${authorization ?? ''}`;
	const hit = prefetched.get(key);
	prefetched.delete(key);
	return hit && Date.now() - hit.at <= PREFETCH_TTL_MS ? hit.res : undefined;
}

/**
 * A RegistrySource for one inspection that asks the server once for the whole chain (`/api/chain`: top
 * manifest, chosen child, config, each with its headers) and answers `inspect` from it. Nothing in the
 * chain is trusted: `inspect` verifies every object against the pinned (or computed) digest and the
 * descriptors, exactly as with the per-object proxy. Anything the chain lacks, and the whole inspection
 * when the chain request fails (an error, a mismatch the server saw, an older server), goes through the
 * per-object proxy, so the browser's own checks produce the verdict and every error.
 */
export function chainSource(
	reference: string,
	repo: string,
	platform?: string,
	fetchFn: Fetch = fetch,
	opts: SourceOptions = {}
) {
	const fallback = proxySource(repo, fetchFn, opts);
	let chain: Promise<Map<string, UntrustedObject> | null> | undefined;
	const load = () =>
		(chain ??= (async () => {
			const q = chainQuery(reference, platform);
			try {
				const res = await (takePrefetched(q, opts.authorization) ?? fetchFn(`/api/chain?${q}`, { headers: headersFor(opts) }));
				if (!res) return null;
				opts.onHeaders?.(res.headers);
				if (!res.ok) return null;
				const body = (await res.json()) as { objects?: unknown };
				const map = new Map<string, UntrustedObject>();
				for (const o of Array.isArray(body.objects) ? (body.objects as ChainObjectJson[]) : []) {
					const bytes = typeof o.body === 'string' ? base64Decode(o.body) : null;
					if ((o.kind !== 'manifest' && o.kind !== 'blob') || typeof o.target !== 'string' || bytes === null) continue;
					map.set(`${o.kind} ${o.target}`, {
						bytes,
						contentType: typeof o.contentType === 'string' ? o.contentType : null,
						dockerContentDigest: typeof o.dockerContentDigest === 'string' ? o.dockerContentDigest : null
					});
				}
				return map;
			} catch {
				return null;
			}
		})());
	return {
		async manifest(target: string): Promise<UntrustedObject> {
			return (await load())?.get(`manifest ${target}`) ?? fallback.manifest(target);
		},
		async blob(d: Descriptor): Promise<UntrustedObject> {
			return (await load())?.get(`blob ${d.digest}`) ?? fallback.blob(d);
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
