/** Turning results and errors into HTTP responses, the same way for every API endpoint. */
import { ERROR_STATUS, RegscopeError, type ErrorCode } from '$lib/oci/errors';
import { logUnexpected } from '../log';

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }
	});
}

export function errorJson(code: ErrorCode, message: string, details?: Record<string, unknown>): Response {
	return json({ error: new RegscopeError(code, message, details).toJSON() }, ERROR_STATUS[code]);
}

/**
 * Expected failures (RegscopeError) → their code's status and JSON body. Anything else is a bug:
 * logged with `context`, answered as INTERNAL_ERROR with a generic message.
 */
export function errorResponse(e: unknown, context: string): Response {
	if (e instanceof RegscopeError) {
		return json({ error: e.toJSON() }, e.status);
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

/** Headers for registry bytes served on our origin: never rendered, never sniffed. */
export function bytesHeaders(contentType: string | null, byDigest: boolean): Record<string, string> {
	return {
		'content-type': safeContentType(contentType),
		'x-content-type-options': 'nosniff',
		'content-security-policy': "default-src 'none'; sandbox",
		'content-disposition': 'attachment',
		'cache-control': byDigest ? 'public, max-age=31536000, immutable' : 'no-cache'
	};
}

/** What one API call should tell the user about how it was served (filled by the registry source). */
export interface CallReport {
	operatorCredentials?: boolean;
	rateLimit?: { limit?: number; remaining?: number; windowSeconds?: number };
}

/**
 * Final touches on an API answer made for one call: with any credentials (the user's, or the operator's
 * when they were used) it is `Cache-Control: private, no-store` and varies on the credential header, so no
 * shared cache keeps it; the rate limit the registry reported and the use of operator credentials are
 * said in headers and, for JSON answers with `jsonExtras`, as extra fields (`RateLimit`,
 * `OperatorCredentials`).
 */
export async function withCallReport(
	res: Response,
	report: CallReport,
	userCredentials: boolean,
	jsonExtras = false
): Promise<Response> {
	const operator = report.operatorCredentials === true;
	const rl = report.rateLimit;
	if (!userCredentials && !operator && !rl) return res;
	const headers = new Headers(res.headers);
	if (userCredentials || operator) {
		headers.set('cache-control', 'private, no-store');
		headers.set('vary', 'X-Registry-Authorization');
		headers.delete('etag');
	}
	if (operator) headers.set('x-regscope-operator-credentials', '1');
	if (rl?.limit !== undefined) headers.set('x-registry-ratelimit-limit', String(rl.limit));
	if (rl?.remaining !== undefined) headers.set('x-registry-ratelimit-remaining', String(rl.remaining));
	if (rl?.windowSeconds !== undefined) headers.set('x-registry-ratelimit-window', String(rl.windowSeconds));
	let body: BodyInit | null = res.body;
	if (
		jsonExtras &&
		res.status === 200 &&
		(operator || rl) &&
		(headers.get('content-type') ?? '').startsWith('application/json')
	) {
		const obj = (await res.json()) as Record<string, unknown>;
		if (operator) obj.OperatorCredentials = true;
		if (rl) {
			obj.RateLimit = {
				...(rl.limit !== undefined ? { Limit: rl.limit } : {}),
				...(rl.remaining !== undefined ? { Remaining: rl.remaining } : {}),
				...(rl.windowSeconds !== undefined ? { WindowSeconds: rl.windowSeconds } : {})
			};
		}
		body = JSON.stringify(obj);
		headers.delete('content-length');
	}
	return new Response(body, { status: res.status, statusText: res.statusText, headers });
}
