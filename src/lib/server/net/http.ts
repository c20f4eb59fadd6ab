/**
 * The one way the server talks to registries: undici `request` (never fetch: no silent decompression, byte
 * caps count what we read) through one `Agent` whose connector enforces the address policy at connect time.
 *
 * GET/HEAD only, headers built from an allowlist, redirects followed by hand (each hop re-checked, no
 * https→http, Authorization only to the exact origin it belongs to), body caps enforced while reading,
 * per-request and caller deadlines mapped to UPSTREAM_TIMEOUT.
 */
import { Agent, buildConnector, request } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { RegscopeError, type ErrorCode } from '$lib/oci/errors';
import {
	blockedError,
	decideHostname,
	decidePort,
	guardedLookup,
	systemResolver,
	type Resolver
} from './address-policy';
import { getSettings, hostListed, listEntry, normalizeHost, urlPort, type Settings } from '../settings';
import { logUpstream, type UpstreamLogLine } from '../log';
import { KeyedLimiter } from '../api/limits';
import { chargeBytes } from '../api/call-budget';

export const USER_AGENT = 'regscope/0.1 (+https://github.com/regscope)';

export interface UpstreamRequest {
	method?: 'GET' | 'HEAD';
	accept?: string;
	/** Sent only while the request URL's origin equals `origin` (dropped on any other hop). */
	authorization?: { origin: string; value: string };
	/** Cap for a 2xx body. Error bodies are capped at limits.errorBytes and truncated instead. */
	maxBytes: number;
	/**
	 * Code thrown when a 2xx body exceeds maxBytes: a size code for our own limits, DIGEST_MISMATCH when the
	 * cap is the size a descriptor promised (more bytes than that cannot be the object it names).
	 */
	tooLarge: Extract<ErrorCode, 'MANIFEST_TOO_LARGE' | 'BLOB_TOO_LARGE' | 'UPSTREAM_TOO_LARGE' | 'DIGEST_MISMATCH'>;
	/** Said in the too-large message, e.g. "manifest library/alpine:3.20". */
	what: string;
	/** The registry as the user wrote it, for messages. */
	registry: string;
	/** Path template for logs, e.g. `/v2/<name>/manifests/<ref>`. Never the real path or query. */
	template: string;
	/** Caller deadline / cancellation (the overall deadline of one API call). */
	signal?: AbortSignal;
	followRedirects?: boolean;
	/**
	 * Hand back a 2xx GET body unread as `stream` (layers): `maxBytes` is then checked only against
	 * Content-Length, the reader counts the rest, and the body is bounded by the agent's idle timeout
	 * instead of requestTimeoutMs. The per-host slot is held until the stream closes.
	 */
	stream?: boolean;
}

export interface UpstreamResponse {
	status: number;
	headers: IncomingHttpHeaders;
	body: Uint8Array;
	/** The URL that answered (after redirects). */
	url: URL;
	/** true when an error body was cut at the error cap. */
	truncated: boolean;
	/** The unread body of a `stream: true` request that succeeded. */
	stream?: Readable;
}

export interface Upstream {
	readonly settings: Settings;
	request(url: URL, opts: UpstreamRequest): Promise<UpstreamResponse>;
	close(): Promise<void>;
}

export interface UpstreamOptions {
	settings?: Settings;
	resolver?: Resolver;
	log?: (line: UpstreamLogLine) => void;
	/** Builds the inner (socket-opening) connector; tests inject one that records instead of connecting. */
	buildConnector?: (opts: buildConnector.BuildOptions) => buildConnector.connector;
	/** Sleep used between a 429/503 and its retry (tests make it instant). */
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * The connect-time guard (security.md B1): IP literals are classified here (undici does not call `lookup`
 * for them), names through a lookup wrapper that checks every A/AAAA answer, and the port rule (A5).
 * The address that was checked is the one the socket connects to.
 */
export function createGuardedConnector(
	settings: Settings,
	resolver: Resolver,
	build: (opts: buildConnector.BuildOptions) => buildConnector.connector = buildConnector
): buildConnector.connector {
	const timeout = settings.limits.connectTimeoutMs;
	const strict = build({ timeout, lookup: guardedLookup(resolver, false) as never });
	const byEntry = new Map<object, buildConnector.connector>();
	return (opts, callback) => {
		const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
		const d = decideHostname(opts.hostname, port, settings);
		if (!d.ok) {
			callback(blockedError(opts.hostname, d.reason), null);
			return;
		}
		const p = decidePort(opts.hostname, port, settings);
		if (!p.ok) {
			callback(blockedError(`${opts.hostname}:${port}`, p.reason), null);
			return;
		}
		const entry = listEntry(settings.privateRegistries, opts.hostname, port);
		if (!entry) return strict(opts, callback);
		let c = byEntry.get(entry);
		if (!c) {
			c = build({ timeout, lookup: guardedLookup(resolver, entry) as never });
			byEntry.set(entry, c);
		}
		c(opts, callback);
	};
}

/** Parses Retry-After (seconds or HTTP-date) into milliseconds from now; null when absent or invalid. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
	if (!value) return null;
	const v = value.trim();
	if (/^\d{1,9}$/.test(v)) return Number(v) * 1000;
	const t = Date.parse(v);
	return Number.isFinite(t) ? Math.max(0, t - now) : null;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(signal.reason as Error);
		const t = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(t);
			reject(signal!.reason as Error);
		};
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

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

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Checks a URL before any request to it (scheme, userinfo, name rules). The connector checks addresses. */
export function checkTarget(url: URL, settings: Settings, previous?: URL): void {
	const host = normalizeHost(url.hostname);
	if (url.username || url.password) {
		throw new RegscopeError('BLOCKED_ADDRESS', `refusing to follow a URL with credentials to ${url.host}`, { host: url.host });
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new RegscopeError('BLOCKED_ADDRESS', `refusing to follow a ${url.protocol.slice(0, 20)} URL`);
	}
	// The address rule first: its message says what the target really is.
	const d = decideHostname(host, urlPort(url), settings);
	if (!d.ok) throw blockedError(url.host, d.reason);
	if (url.protocol === 'http:') {
		if (previous?.protocol === 'https:') {
			throw new RegscopeError(
				'BLOCKED_ADDRESS',
				`refusing a redirect from https to plain http (${redactUrl(previous)} → ${url.host})`,
				{ host: url.host }
			);
		}
		if (!hostListed(settings.insecureRegistries, host, urlPort(url))) {
			throw new RegscopeError(
				'BLOCKED_ADDRESS',
				`refusing plain http to ${url.host}: it is not in REGSCOPE_INSECURE_REGISTRIES`,
				{ host: url.host }
			);
		}
	}
	const p = decidePort(host, urlPort(url), settings);
	if (!p.ok) throw blockedError(url.host, p.reason);
}

const OBJECT_PATH = /^\/v2\/(?:[a-z0-9._/-]+)\/(manifests|blobs)\/([^/]+)$/;

/**
 * Where a cross-origin redirect may lead. A registry may hand a blob (or a manifest) to another host that
 * serves bytes (a CDN, storage), but a redirect must not turn regscope into a client of another registry's
 * API the reference never named: no `/v2` path on another host, except the very same object on a public
 * mirror (registry.k8s.io sends `/v2/<name>/manifests/<ref>` to another registry); no private host the
 * operator allowed unless the redirect comes from one; never another port of a host the allowlist names
 * without one (the entry is for that registry, not every service on the machine).
 */
export function checkRedirect(start: URL, from: URL, to: URL, settings: Settings): void {
	if (to.origin === from.origin) return;
	const host = normalizeHost(to.hostname);
	const port = urlPort(to);
	const listed = listEntry(settings.privateRegistries, host, port) ?? listEntry(settings.insecureRegistries, host, port);
	if (listed && listed.port === undefined && host === normalizeHost(from.hostname) && port !== urlPort(from)) {
		throw new RegscopeError('BLOCKED_ADDRESS', `refusing a redirect from ${from.host} to another port of the same host (${to.host})`, { host: to.host });
	}
	if (listEntry(settings.privateRegistries, host, port) && !listEntry(settings.privateRegistries, normalizeHost(from.hostname), urlPort(from))) {
		throw new RegscopeError(
			'BLOCKED_ADDRESS',
			`refusing a redirect from ${from.host} to ${to.host}: only a registry the operator allowed may send regscope to a private host`,
			{ host: to.host }
		);
	}
	if (to.pathname !== '/v2' && !to.pathname.startsWith('/v2/')) return;
	const asked = OBJECT_PATH.exec(start.pathname);
	const given = OBJECT_PATH.exec(to.pathname);
	const sameObject = asked !== null && given !== null && asked[1] === given[1] && asked[2] === given[2];
	if (!sameObject || listed) {
		throw new RegscopeError(
			'BLOCKED_ADDRESS',
			`refusing a redirect from ${from.host} into the registry API of another host (${to.host}): a redirect may lead to where the bytes are stored, not to another registry`,
			{ host: to.host }
		);
	}
}

function describeNetworkError(e: unknown): { timeout: boolean; text: string } {
	const err = e as { code?: string; name?: string; message?: string; cause?: unknown };
	const code = err?.code ?? '';
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

export function createUpstream(options: UpstreamOptions = {}): Upstream {
	const settings = options.settings ?? getSettings();
	const resolver = options.resolver ?? systemResolver;
	const log = options.log ?? logUpstream;
	const limits = settings.limits;

	const sleep = options.sleep ?? abortableSleep;
	const connect = createGuardedConnector(settings, resolver, options.buildConnector);
	const agent = new Agent({
		connect,
		headersTimeout: limits.requestTimeoutMs,
		bodyTimeout: limits.requestTimeoutMs,
		connections: limits.hostConcurrency,
		keepAliveTimeout: 10_000,
		maxHeaderSize: 16 * 1024
	});
	/** Per upstream host: we must not be usable to flood one registry (security.md F6). */
	const perHost = new KeyedLimiter({
		concurrency: limits.hostConcurrency,
		queue: limits.hostQueue,
		maxWaitMs: limits.requestTimeoutMs,
		describe: (host) => `requests to ${host} from this server`
	});

	async function once(url: URL, o: UpstreamRequest, auth: string | undefined): Promise<UpstreamResponse> {
		let release: (() => void) | undefined;
		try {
			release = await perHost.acquire(normalizeHost(url.host), o.signal);
		} catch (e) {
			if (e instanceof RegscopeError) throw e;
			throw new RegscopeError(
				'UPSTREAM_TIMEOUT',
				`registry ${o.registry} did not answer in time (${url.host}): the overall deadline passed while waiting for a free connection`
			);
		}
		try {
			const res = await onceInner(url, o, auth);
			if (res.stream) {
				res.stream.once('close', release);
				release = undefined;
			}
			return res;
		} finally {
			release?.();
		}
	}

	async function onceInner(url: URL, o: UpstreamRequest, auth: string | undefined): Promise<UpstreamResponse> {
		const headers: Record<string, string> = {
			'user-agent': USER_AGENT,
			'accept-encoding': 'identity'
		};
		if (o.accept) headers.accept = o.accept;
		if (auth) headers.authorization = auth;
		const signals = o.stream ? [] : [AbortSignal.timeout(limits.requestTimeoutMs)];
		if (o.signal) signals.push(o.signal);
		const signal = AbortSignal.any(signals);
		const started = Date.now();
		let status = 0;
		let bytes = 0;
		try {
			const res = await request(url, { method: o.method ?? 'GET', headers, dispatcher: agent, signal });
			status = res.statusCode;
			// Bodies are destroyed when a cap trips; without a listener that 'error' would crash the process.
			res.body.on('error', () => undefined);
			if (REDIRECTS.has(status) && o.followRedirects !== false) {
				await res.body.dump().catch(() => undefined);
				return { status, headers: res.headers, body: new Uint8Array(0), url, truncated: false };
			}
			const coding = header(res.headers, 'content-encoding');
			if (coding && coding.trim().toLowerCase() !== 'identity') {
				res.body.destroy();
				throw new RegscopeError(
					'UPSTREAM_ERROR',
					`registry ${o.registry} sent a ${coding.slice(0, 40)}-encoded body although identity was asked for`
				);
			}
			const ok = status >= 200 && status < 300;
			const cap = ok ? o.maxBytes : limits.errorBytes;
			const declared = Number(header(res.headers, 'content-length') ?? NaN);
			const tooLarge = () =>
				o.tooLarge === 'DIGEST_MISMATCH' && ok
					? new RegscopeError(
							'DIGEST_MISMATCH',
							`${o.what} from ${o.registry} is longer than the ${cap} bytes its descriptor says: these are not the bytes it names`,
							{ expectedSize: cap }
						)
					: new RegscopeError(ok ? o.tooLarge : 'UPSTREAM_ERROR', `${o.what} from ${o.registry} is larger than the ${cap} byte limit`, { limit: cap });
			if (ok && Number.isFinite(declared) && declared > cap) {
				res.body.destroy();
				throw tooLarge();
			}
			if (o.stream && ok && (o.method ?? 'GET') === 'GET') {
				return { status, headers: res.headers, body: new Uint8Array(0), url, truncated: false, stream: res.body };
			}
			const chunks: Uint8Array[] = [];
			let truncated = false;
			if ((o.method ?? 'GET') !== 'HEAD') {
				for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
					if (bytes + chunk.byteLength > cap) {
						if (ok) {
							res.body.destroy();
							throw tooLarge();
						}
						chargeBytes(cap - bytes, o.what);
						chunks.push(chunk.subarray(0, cap - bytes));
						bytes = cap;
						truncated = true;
						res.body.destroy();
						break;
					}
					chargeBytes(chunk.byteLength, o.what);
					chunks.push(chunk);
					bytes += chunk.byteLength;
				}
			}
			const body = new Uint8Array(bytes);
			let at = 0;
			for (const c of chunks) {
				body.set(c, at);
				at += c.byteLength;
			}
			return { status, headers: res.headers, body, url, truncated };
		} catch (e) {
			const known = findRegscopeError(e);
			if (known) throw known;
			const d = describeNetworkError(e);
			const aborted = signal.aborted || d.timeout;
			if (aborted) {
				const overall = o.signal?.aborted === true;
				throw new RegscopeError(
					'UPSTREAM_TIMEOUT',
					overall
						? `registry ${o.registry} did not answer in time (${url.host}): the overall deadline of ${Math.round(limits.overallTimeoutMs / 1000)} s passed`
						: `registry ${o.registry} did not answer in time (${url.host}, ${Math.round(limits.requestTimeoutMs / 1000)} s limit)`
				);
			}
			throw new RegscopeError('UPSTREAM_ERROR', `could not reach registry ${o.registry} (${url.host}): ${d.text}`);
		} finally {
			log({
				host: url.host,
				method: o.method ?? 'GET',
				template: o.template,
				status,
				bytes,
				ms: Date.now() - started
			});
		}
	}

	async function run(start: URL, o: UpstreamRequest): Promise<UpstreamResponse> {
		let url = start;
		let previous: URL | undefined;
		const seen = new Set<string>();
		let retried = false;
		for (let hop = 0; ; hop++) {
			checkTarget(url, settings, previous);
			if (previous) checkRedirect(start, previous, url, settings);
			seen.add(url.href);
			const auth =
				o.authorization && url.origin === o.authorization.origin ? o.authorization.value : undefined;
			const lo = hop === 0 ? o : { ...o, template: `${o.template} (redirect)` };
			let res = await once(url, lo, auth);
			if ((res.status === 429 || res.status === 503) && !retried) {
				// One bounded retry (security.md F4): only when the registry asks for a short wait.
				const wait = retryAfterMs(header(res.headers, 'retry-after')) ?? (res.status === 503 ? 500 : 1000);
				if (wait <= limits.maxRetryAfterMs) {
					retried = true;
					try {
						await sleep(wait, o.signal);
					} catch {
						throw new RegscopeError(
							'UPSTREAM_TIMEOUT',
							`registry ${o.registry} did not answer in time (${url.host}): the overall deadline passed while waiting to retry`
						);
					}
					res = await once(url, { ...lo, template: `${lo.template} (retry)` }, auth);
				}
			}
			if (!REDIRECTS.has(res.status) || o.followRedirects === false) return res;
			const location = header(res.headers, 'location');
			if (!location) {
				throw new RegscopeError('UPSTREAM_ERROR', `registry ${o.registry} sent a ${res.status} redirect without a Location`);
			}
			let next: URL;
			try {
				next = new URL(location, url);
			} catch {
				throw new RegscopeError('UPSTREAM_ERROR', `registry ${o.registry} sent an invalid redirect Location`);
			}
			next.hash = '';
			if (hop + 1 > limits.redirects) {
				throw new RegscopeError(
					'UPSTREAM_ERROR',
					`registry ${o.registry} redirected more than ${limits.redirects} times (last to ${next.host})`
				);
			}
			if (seen.has(next.href)) {
				throw new RegscopeError('UPSTREAM_ERROR', `registry ${o.registry} sent a redirect loop (via ${next.host})`);
			}
			previous = url;
			url = next;
		}
	}

	return {
		settings,
		request: run,
		close: () => agent.close()
	};
}

let shared: Upstream | undefined;

/** The process-wide upstream client (one Agent, one connection pool). */
export function getUpstream(): Upstream {
	shared ??= createUpstream();
	return shared;
}
