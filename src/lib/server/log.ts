/**
 * Server log lines. Upstream requests are logged as host, method, path template, status, bytes and
 * duration: never headers, bodies, real paths or query strings (tokens and signed URLs live there).
 */

export interface UpstreamLogLine {
	host: string;
	method: string;
	/** e.g. `/v2/<name>/manifests/<ref>`. */
	template: string;
	/** 0 when no response arrived. */
	status: number;
	bytes: number;
	ms: number;
}

export function logUpstream(l: UpstreamLogLine): void {
	if (process.env.REGSCOPE_LOG_UPSTREAM === '0') return;
	console.log(`[upstream] ${l.host} ${l.method} ${l.template} ${l.status || '-'} ${l.bytes}B ${l.ms}ms`);
}

/** Logs an unexpected exception with a short request context (no query string). */
export function logUnexpected(context: string, e: unknown): void {
	console.error(`[error] ${context}:`, e);
}
