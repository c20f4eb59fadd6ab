/**
 * The one way the server talks to registries: undici `request` (never fetch: no silent decompression, byte
 * caps count what we read) through one `Agent` whose connector enforces the address policy at connect time.
 *
 * GET/HEAD only, headers built from an allowlist, redirects followed by hand (each hop re-checked, no
 * https→http, Authorization only to the exact origin it belongs to), body caps enforced while reading,
 * per-request and caller deadlines mapped to UPSTREAM_TIMEOUT.
 *
 * Over the ~250-line guide: the request contract and the one loop (slot, send, read, retry, redirect) read
 * best in one place; each rule it applies lives in its own module.
 */
import { Agent, request, type buildConnector } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { RegscopeError, type ErrorCode } from '$lib/oci/errors';
import { createGuardedConnector } from './connector';
import { startDeadline } from './deadline';
import { header } from './headers';
import { systemResolver, type Resolver } from './lookup';
import { readCapped, sizeError } from './capped-body';
import { upstreamFailure } from './network-errors';
import { checkRedirect, checkTarget, REDIRECTS } from './redirects';
import { abortableSleep, retryAfterMs } from './retry';
import { getSettings, normalizeHost, type Settings } from '../settings';
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
	/** Per upstream host: this server must not be usable to flood one registry. */
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
		// A stream outlives this function, so it has no deadline of its own (only the caller's signal); a
		// read body has one, cleared when the body is in (see deadline.ts).
		const deadline = o.stream ? undefined : startDeadline(limits.requestTimeoutMs, o.signal);
		const signal = deadline?.signal ?? o.signal;
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
			const tooLarge = () => sizeError(o, cap);
			if (ok && Number.isFinite(declared) && declared > cap) {
				res.body.destroy();
				throw tooLarge();
			}
			if (o.stream && ok && (o.method ?? 'GET') === 'GET') {
				return { status, headers: res.headers, body: new Uint8Array(0), url, truncated: false, stream: res.body };
			}
			const { body, truncated } =
				(o.method ?? 'GET') === 'HEAD'
					? { body: new Uint8Array(0), truncated: false }
					: await readCapped(res.body, cap, ok ? tooLarge : null, (n) => {
							chargeBytes(n, o.what);
							bytes += n;
						});
			return { status, headers: res.headers, body, url, truncated };
		} catch (e) {
			throw upstreamFailure(e, {
				registry: o.registry,
				host: url.host,
				timedOut: signal?.aborted === true,
				overall: o.signal?.aborted === true,
				limits
			});
		} finally {
			deadline?.clear();
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
			const auth = o.authorization && url.origin === o.authorization.origin ? o.authorization.value : undefined;
			const lo = hop === 0 ? o : { ...o, template: `${o.template} (redirect)` };
			let res = await once(url, lo, auth);
			if ((res.status === 429 || res.status === 503) && !retried) {
				// One bounded retry, only when the registry asks for a short wait: never a retry storm.
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
