/**
 * Counts the registry requests one API call causes (manifests, blobs, tag pages, token requests and
 * redirect hops), for the `X-Upstream-Requests` header and the request log line.
 *
 * The count lives in an AsyncLocalStorage scope opened by `withUpstreamCount`, so it follows the call
 * through the shared AuthManager (token requests) and concurrent work without any per-user state.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Upstream } from './http';

interface Counter {
	requests: number;
}

const storage = new AsyncLocalStorage<Counter>();

/** Adds `n` requests to the current scope's count (no-op outside a scope). */
export function countUpstream(n = 1): void {
	const c = storage.getStore();
	if (c) c.requests += n;
}

/** The current scope's count so far (0 outside a scope). */
export function upstreamCount(): number {
	return storage.getStore()?.requests ?? 0;
}

/** Runs `fn` in a fresh counting scope; the count is read with `upstreamCount()` inside it. */
export function withUpstreamCount<T>(fn: () => Promise<T>): Promise<T> {
	return storage.run({ requests: 0 }, fn);
}

const wrapped = new WeakMap<Upstream, Upstream>();

/**
 * The same Upstream, counting each request (and one more when it was redirected: the registry answered
 * from another URL) into the current scope. Wrapping is idempotent and memoised per upstream.
 */
export function countingUpstream(inner: Upstream): Upstream {
	if (wrapped.has(inner)) return wrapped.get(inner)!;
	if ((inner as { counting?: true }).counting) return inner;
	const outer: Upstream & { counting: true } = {
		counting: true,
		get settings() {
			return inner.settings;
		},
		async request(url, opts) {
			countUpstream();
			const res = await inner.request(url, opts);
			if (res.url.href !== url.href) countUpstream();
			return res;
		},
		close: () => inner.close()
	};
	wrapped.set(inner, outer);
	return outer;
}

/**
 * One line per API call: endpoint, status, registry requests it cost, duration. No reference, query or
 * header is logged. Silenced with REGSCOPE_LOG_UPSTREAM=0 like the upstream lines.
 */
export function logRequest(endpoint: string, status: number, upstream: number, ms: number): void {
	if (process.env.REGSCOPE_LOG_UPSTREAM === '0') return;
	console.log(`[request] ${endpoint} ${status} upstream=${upstream} ${ms}ms`);
}
