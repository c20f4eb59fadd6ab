import type { Handle, HandleServerError, RequestEvent, ServerInit } from '@sveltejs/kit';
import { PROXY_HEADER } from '$lib/api-contract';
import { errorJson } from '$lib/server/api/respond';
import { logUnexpected } from '$lib/server/log';
import { checkSettings } from '$lib/server/startup';
import { withChainInPage } from '$lib/server/api/permalink-data';

/** A bad setting stops the server at start, naming the variable, rather than failing every API call. */
export const init: ServerInit = () => checkSettings();

/** Answers that are neither pages (SvelteKit's kit.csp, svelte.config.js) nor API answers: nothing runs in them. */
const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'";

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
	if (isApi(event)) return apiHeaders(await api({ event, resolve }));
	const response = await resolve(event, {
		transformPageChunk: ({ html }) => withChainInPage(html, event.locals.embeddedChain)
	});
	const h = response.headers;
	try {
		if (!h.has('content-security-policy')) h.set('content-security-policy', STRICT_CSP);
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

/**
 * Every API call (every route under src/routes/api, however its path is spelled): GET/HEAD only (no bodies,
 * no preflight answered: no CORS headers are ever sent); the browser proxy endpoints and `/api/chain` also
 * require the custom header (a cross-origin page cannot send it without a preflight, which fails) and
 * refuse `Sec-Fetch-Site: cross-site`, so other sites cannot use visitors' browsers as a relay and a
 * registry's bytes are never a navigable page. `/api/inspect` needs no header (curl).
 */
const api: Handle = async ({ event, resolve }) => {
	const method = event.request.method;
	if (method !== 'GET' && method !== 'HEAD') {
		const res = errorJson('METHOD_NOT_ALLOWED', `method ${method.slice(0, 16)} is not allowed: the API is read-only (GET, HEAD)`);
		res.headers.set('allow', 'GET, HEAD');
		return res;
	}
	const headers = event.request.headers;
	const guarded = browserOnly(event.route.id);
	if (guarded) {
		if (headers.get('sec-fetch-site') === 'cross-site') {
			return errorJson('FORBIDDEN', `the ${guarded} only answers this site’s own pages`);
		}
		if (headers.get(PROXY_HEADER) !== '1') {
			return errorJson(
				'FORBIDDEN',
				`the ${guarded} answers only requests carrying the header "${PROXY_HEADER}: 1" (use /api/inspect from scripts)`
			);
		}
	}
	// Caps, deadline, budget, credentials and the answer itself: every endpoint is one pipeline (api/pipeline.ts).
	return resolve(event);
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
