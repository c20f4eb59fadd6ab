import { createHash } from 'node:crypto';
import type { Handle, HandleServerError } from '@sveltejs/kit';
import { RegscopeError } from '$lib/oci/errors';
import { errorJson, errorResponse } from '$lib/server/respond';
import { logUnexpected } from '$lib/server/log';
import { KeyedLimiter } from '$lib/server/limits';
import { getSettings } from '$lib/server/settings';

/** The custom header the browser proxy endpoints require (src/lib/client/source.ts sends it). */
const PROXY_HEADER = 'x-registry-proxy';

let perClient: KeyedLimiter | undefined;

/** In-flight API calls per client address (security.md F6); beyond the cap and queue: 429 at once. */
function clientLimiter(): KeyedLimiter {
	const l = getSettings().limits;
	perClient ??= new KeyedLimiter({
		concurrency: l.clientConcurrency,
		queue: l.clientQueue,
		maxWaitMs: Math.min(10_000, l.overallTimeoutMs),
		describe: () => 'API calls from your address'
	});
	return perClient;
}

const CSP_BASE = {
	'default-src': ["'self'"],
	'script-src': ["'self'", "'wasm-unsafe-eval'"],
	'style-src': ["'self'", "'unsafe-inline'"],
	'img-src': ["'self'", 'data:'],
	'connect-src': ["'self'"],
	'frame-ancestors': ["'none'"]
};

function csp(scriptHashes: string[]): string {
	return Object.entries(CSP_BASE)
		.map(([k, v]) => `${k} ${(k === 'script-src' ? [...v, ...scriptHashes] : v).join(' ')}`)
		.join('; ');
}

/**
 * SvelteKit's server-rendered pages start the app with an inline <script>; `script-src 'self'` would
 * block it, so the hashes of the inline scripts of each page are added to that page's policy.
 * (If kit.csp is configured in svelte.config.js, SvelteKit's own header is kept instead.)
 */
const INLINE_SCRIPT = /<script(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi;

export const handle: Handle = async ({ event, resolve }) => {
	const path = event.url.pathname;
	if (path.startsWith('/api/')) return api({ event, resolve });
	const hashes: string[] = [];
	const response = await resolve(event, {
		transformPageChunk: ({ html }) => {
			for (const m of html.matchAll(INLINE_SCRIPT)) {
				const body = m[1] ?? '';
				if (body.trim() !== '') {
					hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
				}
			}
			return html;
		}
	});
	const h = response.headers;
	try {
		if (!h.has('content-security-policy')) h.set('content-security-policy', csp(hashes));
		h.set('x-content-type-options', 'nosniff');
		h.set('referrer-policy', 'no-referrer');
		if (!h.has('x-frame-options')) h.set('x-frame-options', 'DENY');
	} catch {
		// immutable headers (e.g. a Response passed through from fetch): leave them
	}
	return response;
};

/** The endpoints only this site's pages may call (custom header, no cross-site), named for messages. */
function browserOnly(path: string): string | null {
	if (path.startsWith('/api/registry/')) return 'registry proxy';
	if (path === '/api/chain' || path.startsWith('/api/chain/')) return 'chain endpoint';
	return null;
}

/**
 * Every `/api/` call: GET/HEAD only (no bodies, no preflight answered: no CORS headers are ever sent);
 * the browser proxy endpoints and `/api/chain` also require the custom header (a cross-origin page cannot send it without a
 * preflight, which fails) and refuse `Sec-Fetch-Site: cross-site`, so other sites cannot use visitors'
 * browsers as a relay and a registry's bytes are never a navigable page. `/api/inspect` needs no header
 * (curl). Then the per-client concurrency cap.
 */
const api: Handle = async ({ event, resolve }) => {
	const method = event.request.method;
	if (method !== 'GET' && method !== 'HEAD') {
		const res = errorJson('INVALID_REQUEST', `method ${method.slice(0, 16)} is not allowed: the API is read-only (GET, HEAD)`);
		return new Response(res.body, { status: 405, headers: { ...Object.fromEntries(res.headers), allow: 'GET, HEAD' } });
	}
	const headers = event.request.headers;
	const guarded = browserOnly(event.url.pathname);
	if (guarded) {
		if (headers.get('sec-fetch-site') === 'cross-site') {
			return errorJson('FORBIDDEN', `the ${guarded} only answers this site’s own pages`);
		}
		if (headers.get(PROXY_HEADER) !== '1') {
			return errorJson(
				'FORBIDDEN',
				`the ${guarded} answers only requests carrying the header "X-Registry-Proxy: 1" (use /api/inspect from scripts)`
			);
		}
	}
	let release: () => void;
	try {
		release = await clientLimiter().acquire(event.getClientAddress(), event.request.signal);
	} catch (e) {
		if (e instanceof RegscopeError) {
			const res = errorResponse(e, 'api');
			res.headers.set('retry-after', '1');
			return res;
		}
		return errorJson('INVALID_REQUEST', 'the request was cancelled');
	}
	try {
		const res = await resolve(event);
		try {
			res.headers.set('x-content-type-options', 'nosniff');
			res.headers.set('referrer-policy', 'no-referrer');
			if (!res.headers.has('content-security-policy')) {
				res.headers.set('content-security-policy', "default-src 'none'; frame-ancestors 'none'; sandbox");
			}
		} catch {
			/* immutable headers */
		}
		return res;
	} finally {
		release();
	}
};

export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status !== 404) logUnexpected(`${event.request.method} ${event.url.pathname}`, error);
	return { message: status === 404 ? 'Not found' : 'Internal error', code: status === 404 ? 'NOT_FOUND' : 'INTERNAL_ERROR' };
};
