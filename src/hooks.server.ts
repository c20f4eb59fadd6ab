import { createHash } from 'node:crypto';
import type { Handle, HandleServerError, RequestEvent, ServerInit } from '@sveltejs/kit';
import { RegscopeError } from '$lib/oci/errors';
import { errorJson, errorResponse } from '$lib/server/api/respond';
import { logUnexpected } from '$lib/server/log';
import { clientKey, KeyedLimiter } from '$lib/server/api/limits';
import { untilDeadline, withCallBudget } from '$lib/server/api/call-budget';
import { getSettings } from '$lib/server/settings';
import { checkSettings } from '$lib/server/startup';

/** A bad setting stops the server at start, naming the variable, rather than failing every API call. */
export const init: ServerInit = () => checkSettings();

/** The custom header the browser proxy endpoints require (src/lib/client/source.ts sends it). */
const PROXY_HEADER = 'x-registry-proxy';

let perClient: KeyedLimiter | undefined;
let allClients: KeyedLimiter | undefined;

/** In-flight API calls per client (IPv4 address, or IPv6 /64); beyond the cap and queue: SERVER_BUSY. */
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

/** In-flight API calls of all clients together: however many addresses, the server's work is bounded. */
function globalLimiter(): KeyedLimiter {
	const l = getSettings().limits;
	allClients ??= new KeyedLimiter({
		concurrency: l.globalConcurrency,
		queue: l.globalQueue,
		maxWaitMs: Math.min(10_000, l.overallTimeoutMs),
		describe: () => 'API calls from all clients'
	});
	return allClients;
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

/** `%XX` escapes of letters, digits and `-._~`: never needed, only a way to spell a path differently. */
const ENCODED_UNRESERVED = /%(?:[46][1-9a-f]|[57][0-9a]|3[0-9]|2d|2e|5f|7e)/i;

/** Whether the request is for an API route, decided on the route SvelteKit matched (or the decoded path). */
function isApi(event: RequestEvent): boolean {
	if (event.route.id !== null) return event.route.id === '/api' || event.route.id.startsWith('/api/');
	let path = event.url.pathname;
	try {
		path = decodeURI(path);
	} catch {
		/* undecodable: judged as written */
	}
	return path === '/api' || path.startsWith('/api/');
}

export const handle: Handle = async ({ event, resolve }) => {
	if (ENCODED_UNRESERVED.test(event.url.pathname)) {
		return apiHeaders(errorJson('INVALID_REQUEST', 'the path percent-encodes letters, digits or "-._~"; write them plainly'));
	}
	if (isApi(event)) return api({ event, resolve });
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
function browserOnly(routeId: string | null): string | null {
	if (routeId?.startsWith('/api/registry/')) return 'registry proxy';
	if (routeId === '/api/chain') return 'chain endpoint';
	return null;
}

function busy(e: RegscopeError): Response {
	const res = errorResponse(e, 'api');
	const seconds = e.details?.retryAfterSeconds;
	res.headers.set('retry-after', String(typeof seconds === 'number' ? seconds : 1));
	return res;
}

/**
 * Every API call (every route under src/routes/api, however its path is spelled): GET/HEAD only (no bodies,
 * no preflight answered: no CORS headers are ever sent); the browser proxy endpoints and `/api/chain` also
 * require the custom header (a cross-origin page cannot send it without a preflight, which fails) and
 * refuse `Sec-Fetch-Site: cross-site`, so other sites cannot use visitors' browsers as a relay and a
 * registry's bytes are never a navigable page. `/api/inspect` needs no header (curl). Then the per-client
 * and all-clients caps, and the call's deadline and byte budget.
 */
const api: Handle = async ({ event, resolve }) => {
	const method = event.request.method;
	if (method !== 'GET' && method !== 'HEAD') {
		const res = errorJson('INVALID_REQUEST', `method ${method.slice(0, 16)} is not allowed: the API is read-only (GET, HEAD)`);
		return new Response(res.body, { status: 405, headers: { ...Object.fromEntries(res.headers), allow: 'GET, HEAD' } });
	}
	const headers = event.request.headers;
	const guarded = browserOnly(event.route.id);
	if (guarded) {
		if (headers.get('sec-fetch-site') === 'cross-site') {
			return apiHeaders(errorJson('FORBIDDEN', `the ${guarded} only answers this site’s own pages`));
		}
		if (headers.get(PROXY_HEADER) !== '1') {
			return apiHeaders(
				errorJson(
					'FORBIDDEN',
					`the ${guarded} answers only requests carrying the header "X-Registry-Proxy: 1" (use /api/inspect from scripts)`
				)
			);
		}
	}
	const limits = getSettings().limits;
	const signal = AbortSignal.any([AbortSignal.timeout(limits.overallTimeoutMs), event.request.signal]);
	const releases: Array<() => void> = [];
	try {
		releases.push(await clientLimiter().acquire(clientKey(event.getClientAddress()), signal));
		releases.push(await globalLimiter().acquire('all', signal));
	} catch (e) {
		for (const r of releases) r();
		if (e instanceof RegscopeError) return apiHeaders(busy(e));
		return apiHeaders(errorJson('INVALID_REQUEST', 'the request was cancelled'));
	}
	try {
		const work = withCallBudget(limits, signal, async () => resolve(event));
		return apiHeaders(await untilDeadline(work, signal, limits.overallTimeoutMs));
	} catch (e) {
		if (e instanceof RegscopeError && e.code === 'SERVER_BUSY') return apiHeaders(busy(e));
		return apiHeaders(errorResponse(e, `${method} ${event.route.id ?? 'api'}`));
	} finally {
		for (const r of releases) r();
	}
};

/** The headers every API answer carries: never sniffed, never rendered, never framed. */
function apiHeaders(res: Response): Response {
	try {
		res.headers.set('x-content-type-options', 'nosniff');
		res.headers.set('referrer-policy', 'no-referrer');
		if (!res.headers.has('content-security-policy')) {
			res.headers.set('content-security-policy', "default-src 'none'; frame-ancestors 'none'; sandbox");
		}
		if (res.status === 503 && !res.headers.has('retry-after')) res.headers.set('retry-after', '2');
		return res;
	} catch {
		return res; // immutable headers
	}
}

export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status !== 404) logUnexpected(`${event.request.method} ${event.url.pathname}`, error);
	return { message: status === 404 ? 'Not found' : 'Internal error', code: status === 404 ? 'NOT_FOUND' : 'INTERNAL_ERROR' };
};
