/** What went wrong below HTTP (undici and socket error codes), in words a user can act on. */
import { RegscopeError } from '$lib/oci/errors';
import type { Limits } from '../settings';

function describeNetworkError(e: unknown): { timeout: boolean; text: string } {
	const err = e as { code?: unknown; name?: string; message?: string; cause?: unknown };
	// An AbortError (the client went away mid-request) is a DOMException whose `code` is a number.
	const code = typeof err?.code === 'string' ? err.code : '';
	if (
		code === 'UND_ERR_HEADERS_TIMEOUT' ||
		code === 'UND_ERR_BODY_TIMEOUT' ||
		code === 'UND_ERR_CONNECT_TIMEOUT' ||
		code === 'ETIMEDOUT' ||
		err?.name === 'TimeoutError'
	) {
		return { timeout: true, text: 'timed out' };
	}
	const known: Record<string, string> = {
		ECONNREFUSED: 'connection refused',
		ECONNRESET: 'connection reset',
		ENOTFOUND: 'host not found (DNS)',
		EAI_AGAIN: 'DNS lookup failed',
		EHOSTUNREACH: 'host unreachable',
		ENETUNREACH: 'network unreachable',
		EPIPE: 'connection closed',
		UND_ERR_SOCKET: 'connection closed unexpectedly',
		UND_ERR_CLOSED: 'connection closed',
		HPE_INVALID_CONSTANT: 'invalid HTTP response',
		UND_ERR_HEADERS_OVERFLOW: 'response headers too large',
		UND_ERR_INFO: 'invalid HTTP response'
	};
	if (known[code]) return { timeout: false, text: known[code] };
	if (code.startsWith('HPE_')) return { timeout: false, text: 'invalid HTTP response' };
	if (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('ERR_SSL')) {
		return { timeout: false, text: `TLS error (${code})` };
	}
	if (err?.cause && err.cause !== e) return describeNetworkError(err.cause);
	return { timeout: false, text: code ? `network error (${code})` : 'network error' };
}

/** The RegscopeError inside a network error (the connector\'s refusals arrive wrapped). */
function findRegscopeError(e: unknown): RegscopeError | null {
	let cur: unknown = e;
	for (let i = 0; i < 4 && cur; i++) {
		if (cur instanceof RegscopeError) return cur;
		const c = cur as { code?: unknown; message?: unknown; cause?: unknown; details?: unknown };
		// errors thrown inside the connector may cross module copies; recognise them by shape
		if (c.code === 'BLOCKED_ADDRESS' && typeof c.message === 'string') {
			return new RegscopeError('BLOCKED_ADDRESS', c.message, c.details as Record<string, unknown> | undefined);
		}
		cur = c.cause;
	}
	return null;
}

/**
 * A request that failed below HTTP as the error the user sees: a refusal the connector made as itself,
 * a timeout (this request's, or the call's overall deadline) as UPSTREAM_TIMEOUT, anything else as
 * UPSTREAM_ERROR saying what happened.
 */
export function upstreamFailure(
	e: unknown,
	at: { registry: string; host: string; timedOut: boolean; overall: boolean; limits: Limits }
): RegscopeError {
	const known = findRegscopeError(e);
	if (known) return known;
	const d = describeNetworkError(e);
	if (at.timedOut || d.timeout) {
		return new RegscopeError(
			'UPSTREAM_TIMEOUT',
			at.overall
				? `registry ${at.registry} did not answer in time (${at.host}): the overall deadline of ${Math.round(at.limits.overallTimeoutMs / 1000)} s passed`
				: `registry ${at.registry} did not answer in time (${at.host}, ${Math.round(at.limits.requestTimeoutMs / 1000)} s limit)`
		);
	}
	return new RegscopeError('UPSTREAM_ERROR', `could not reach registry ${at.registry} (${at.host}): ${d.text}`);
}
