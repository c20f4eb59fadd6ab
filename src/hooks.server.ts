import { createHash } from 'node:crypto';
import type { Handle, HandleServerError } from '@sveltejs/kit';
import { errorJson } from '$lib/server/respond';
import { logUnexpected } from '$lib/server/log';

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
	if (path.startsWith('/api/registry/') && event.request.headers.get('sec-fetch-site') === 'cross-site') {
		return errorJson('FORBIDDEN', 'the registry proxy only answers this site’s own pages');
	}
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

export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status !== 404) logUnexpected(`${event.request.method} ${event.url.pathname}`, error);
	return { message: status === 404 ? 'Not found' : 'Internal error', code: status === 404 ? 'NOT_FOUND' : 'INTERNAL_ERROR' };
};
