/** Reading undici's response headers, and URLs fit for messages. */
import type { IncomingHttpHeaders } from 'node:http';

export function header(headers: IncomingHttpHeaders, name: string): string | null {
	const v = headers[name.toLowerCase()];
	if (Array.isArray(v)) return v[0] ?? null;
	return v ?? null;
}

export function headerAll(headers: IncomingHttpHeaders, name: string): string[] {
	const v = headers[name.toLowerCase()];
	if (Array.isArray(v)) return v;
	return v === undefined ? [] : [v];
}

/** A URL for messages and logs: no userinfo, no query, no fragment. */
export function redactUrl(url: URL): string {
	return `${url.protocol}//${url.host}${url.pathname}`;
}
