/**
 * The closed set of error codes regscope reports, with their HTTP status.
 * Every failure the core or the server can explain is a RegscopeError carrying one of these codes;
 * anything else is a bug and is reported as INTERNAL_ERROR.
 */
export const ERROR_STATUS = {
	INVALID_REFERENCE: 400,
	INVALID_PLATFORM: 400,
	INVALID_REQUEST: 400,
	UNAUTHORIZED: 401,
	BLOCKED_ADDRESS: 403,
	FORBIDDEN: 403,
	NOT_FOUND: 404,
	NO_MATCHING_PLATFORM: 404,
	/** The API is read-only: only GET and HEAD. */
	METHOD_NOT_ALLOWED: 405,
	TOO_MANY_REQUESTS: 429,
	DIGEST_MISMATCH: 502,
	SIZE_MISMATCH: 502,
	INVALID_MANIFEST: 502,
	INVALID_CONFIG: 502,
	INVALID_DOCUMENT: 502,
	UNSUPPORTED_MEDIA_TYPE: 502,
	UNSUPPORTED_DIGEST: 502,
	MANIFEST_TOO_LARGE: 502,
	BLOB_TOO_LARGE: 502,
	/** A registry answer other than a manifest or blob (tag or catalog page, token) over this server's cap. */
	UPSTREAM_TOO_LARGE: 502,
	INVALID_LAYER: 502,
	UPSTREAM_ERROR: 502,
	UPSTREAM_TIMEOUT: 504,
	INTERNAL_ERROR: 500,
	/** This server's own limits (all clients' work in flight, memory held): not the registry's rate limit. */
	SERVER_BUSY: 503,
	/** This server's overall deadline for one API call passed (the work was stopped). */
	DEADLINE_EXCEEDED: 504,
	/** One API call would hold more registry bytes than this server allows per call. */
	CALL_TOO_LARGE: 502
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
	code: ErrorCode;
	message: string;
	details?: Record<string, unknown>;
}

export class RegscopeError extends Error {
	readonly code: ErrorCode;
	readonly details?: Record<string, unknown>;

	constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
		super(message);
		this.name = 'RegscopeError';
		this.code = code;
		this.details = details;
	}

	get status(): number {
		return ERROR_STATUS[this.code];
	}

	toJSON(): ErrorBody {
		return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
	}
}

export function isRegscopeError(e: unknown): e is RegscopeError {
	return e instanceof RegscopeError;
}

export function isErrorCode(s: unknown): s is ErrorCode {
	return typeof s === 'string' && Object.hasOwn(ERROR_STATUS, s);
}

/** Rebuilds an error from the JSON API's `{"error":{…}}` body (used by the browser client). */
export function errorFromBody(body: unknown, fallback: string): RegscopeError {
	const e = (body as { error?: Partial<ErrorBody> } | null)?.error;
	if (e && isErrorCode(e.code) && typeof e.message === 'string') {
		return new RegscopeError(e.code, e.message, e.details);
	}
	return new RegscopeError('UPSTREAM_ERROR', fallback);
}
