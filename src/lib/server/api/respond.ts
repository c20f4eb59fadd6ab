/** Error answers and the query-parameter readers every API service shares. */
import { ERROR_STATUS, RegscopeError, type ErrorCode } from '$lib/oci/errors';
import { logUnexpected } from '../log';

/** An error body with its status; errors are never cached. */
function errorBody(body: unknown, status: number): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }
	});
}

export function errorJson(code: ErrorCode, message: string, details?: Record<string, unknown>): Response {
	return errorBody({ error: new RegscopeError(code, message, details).toJSON() }, ERROR_STATUS[code]);
}

/**
 * Expected failures (RegscopeError) → their code's status and JSON body. Anything else is a bug:
 * logged with `context`, answered as INTERNAL_ERROR with a generic message.
 */
export function errorResponse(e: unknown, context: string): Response {
	if (e instanceof RegscopeError) {
		return errorBody({ error: e.toJSON() }, e.status);
	}
	logUnexpected(context, e);
	return errorJson('INTERNAL_ERROR', 'internal error: the server failed unexpectedly; the details were logged');
}

/** A required query parameter, or INVALID_REQUEST naming it. */
export function requireParam(url: URL, name: string): string {
	const v = url.searchParams.get(name);
	if (v === null || v.trim() === '') {
		throw new RegscopeError('INVALID_REQUEST', `the query parameter "${name}" is required`);
	}
	if (v.length > 4096) throw new RegscopeError('INVALID_REQUEST', `the query parameter "${name}" is too long`);
	return v;
}

/** A boolean flag: absent → fallback; 1/true/yes → true; 0/false/no → false; anything else INVALID_REQUEST. */
export function flagParam(url: URL, name: string, fallback: boolean): boolean {
	const v = url.searchParams.get(name);
	if (v === null) return fallback;
	const s = v.trim().toLowerCase();
	if (s === '' || s === '1' || s === 'true' || s === 'yes') return true;
	if (s === '0' || s === 'false' || s === 'no') return false;
	throw new RegscopeError('INVALID_REQUEST', `the query parameter "${name}" must be 1 or 0`);
}

/** The `size` query parameter: a descriptor's size, a non-negative integer. */
export function sizeParam(url: URL): number {
	const text = requireParam(url, 'size').trim();
	if (!/^\d{1,15}$/.test(text)) {
		throw new RegscopeError('INVALID_REQUEST', 'the query parameter "size" must be a non-negative integer');
	}
	return Number(text);
}

/**
 * Content-Type passed through from a registry when it is a plain `application/*` media type that no browser
 * renders (never HTML, XML, SVG or script types); else octet-stream.
 */
export function safeContentType(ct: string | null): string {
	const t = ct?.trim() ?? '';
	if (
		t.length <= 255 &&
		/^application\/[\w!#$&^.+-]+(\s*;\s*[\w!#$&^.+-]+=("[^"\r\n]*"|[\w!#$&^.+-]+))*$/i.test(t) &&
		!/^application\/[^;]*(html|xml|javascript|ecmascript|svg|pdf|x-shockwave)/i.test(t)
	) {
		return t;
	}
	return 'application/octet-stream';
}
