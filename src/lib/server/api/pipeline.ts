/**
 * The one way an API call is served. Every `src/routes/api/**\/+server.ts` is `endpoint(name, service)`;
 * this wrapper does, in order: the per-client and all-clients caps, the call's deadline and byte budget,
 * the user's credentials header, upstream counting (`X-Upstream-Requests` and the `[request]` log line),
 * then turns the service's answer into HTTP: the call report (rate limit, operator credentials) as
 * headers and, where the endpoint says so, as JSON fields; the cache headers (http-cache.ts); errors as
 * `{"error":{"code","message"}}` with their code's status.
 * Method, path spelling, the browser-only guard and the API's security headers are in hooks.server.ts,
 * which sees every request, matched or not.
 */
import type { RequestEvent, RequestHandler } from '@sveltejs/kit';
import {
	CREDENTIALS_HEADER,
	OPERATOR_CREDENTIALS_HEADER,
	RATE_LIMIT_HEADERS,
	UPSTREAM_REQUESTS_HEADER,
	type CallReport
} from '$lib/api-contract';
import { RegscopeError } from '$lib/oci/errors';
import { effectiveClass, etagMatches, notModified, setCacheHeaders } from '../cache/http-cache';
import { startDeadline } from '../net/deadline';
import { logRequest, upstreamCount, withUpstreamCount } from '../net/upstream-count';
import { parseCredentialsHeader } from '../registry/credentials';
import { getSettings } from '../settings';
import type { Answer, ApiCall, Service } from './answer';
import { untilDeadline, withCallBudget } from './call-budget';
import { clientKey, KeyedLimiter, type Release } from './limits';
import { errorResponse, safeContentType } from './respond';

export interface EndpointOptions {
	/** Say the call report in the JSON body too (`RateLimit`, `OperatorCredentials`): the public endpoints. */
	reportInBody?: boolean;
}

let perClient: KeyedLimiter | undefined;
let allClients: KeyedLimiter | undefined;

/** In-flight API calls per client (IPv4 address, or IPv6 /64), then of all clients together. */
async function admit(client: string, signal: AbortSignal): Promise<Release[]> {
	const l = getSettings().limits;
	const maxWaitMs = Math.min(10_000, l.overallTimeoutMs);
	perClient ??= new KeyedLimiter({
		concurrency: l.clientConcurrency,
		queue: l.clientQueue,
		maxWaitMs,
		describe: () => 'API calls from your address'
	});
	allClients ??= new KeyedLimiter({
		concurrency: l.globalConcurrency,
		queue: l.globalQueue,
		maxWaitMs,
		describe: () => 'API calls from all clients'
	});
	const releases: Release[] = [];
	try {
		releases.push(await perClient.acquire(clientKey(client), signal));
		releases.push(await allClients.acquire('all', signal));
		return releases;
	} catch (e) {
		for (const r of releases) r();
		throw e instanceof RegscopeError ? e : new RegscopeError('INVALID_REQUEST', 'the request was cancelled');
	}
}

/** The route handler of one endpoint: `name` is its path, for the log line and unexpected errors. */
export function endpoint(name: string, service: Service, options: EndpointOptions = {}): RequestHandler {
	return (event) => serve(name, service, options, event);
}

async function serve(name: string, service: Service, options: EndpointOptions, event: RequestEvent): Promise<Response> {
	const limits = getSettings().limits;
	// Cleared once the answer is made, so nothing of the call outlives it (see deadline.ts).
	const deadline = startDeadline(limits.overallTimeoutMs, event.request.signal);
	const signal = deadline.signal;
	let releases: Release[];
	try {
		releases = await admit(event.getClientAddress(), signal);
	} catch (e) {
		deadline.clear();
		return failure(e, name);
	}
	const started = Date.now();
	try {
		return await withUpstreamCount(async () => {
			const report: CallReport = {};
			let credentialed = false;
			let res: Response;
			try {
				const credentials = parseCredentialsHeader(event.request.headers.get(CREDENTIALS_HEADER)) ?? undefined;
				credentialed = credentials !== undefined;
				const call: ApiCall = {
					url: event.url,
					report,
					signal,
					clientSignal: event.request.signal,
					client: event.getClientAddress(),
					ifNoneMatch: event.request.headers.get('if-none-match'),
					...(credentials ? { credentials } : {})
				};
				const answer = await untilDeadline(
					withCallBudget(limits, signal, () => service(call)),
					signal,
					limits.overallTimeoutMs
				);
				res = respond(answer, call, options);
			} catch (e) {
				res = failure(e, `GET ${name}`);
				// Errors are never cached, but one fetched with credentials varies on them all the same.
				if (credentialed || report.operatorCredentials) setCacheHeaders(res.headers, 'private');
				withReport(res, report);
			}
			const n = upstreamCount();
			res.headers.set(UPSTREAM_REQUESTS_HEADER, String(n));
			logRequest(name, res.status, n, Date.now() - started);
			return res;
		});
	} finally {
		deadline.clear();
		for (const r of releases) r();
	}
}

/** An error answer; this server's own busy answer says when to come back. */
function failure(e: unknown, context: string): Response {
	const res = errorResponse(e, context);
	if (e instanceof RegscopeError && e.code === 'SERVER_BUSY') {
		const seconds = e.details?.retryAfterSeconds;
		res.headers.set('retry-after', String(typeof seconds === 'number' ? seconds : 1));
	}
	return res;
}

function respond(answer: Answer, call: ApiCall, options: EndpointOptions): Response {
	const report = call.report;
	const cls = effectiveClass(answer.cache, call.credentials !== undefined || report.operatorCredentials === true);
	if (answer.kind === 'not-modified') return withReport(notModified(answer.etag, cls), report);
	if (cls !== 'private' && answer.etag !== undefined && etagMatches(call.ifNoneMatch, answer.etag, true)) {
		return withReport(notModified(answer.etag, cls), report);
	}
	const headers = new Headers();
	let body: BodyInit;
	if (answer.kind === 'bytes') {
		headers.set('content-type', safeContentType(answer.contentType));
		headers.set('content-security-policy', "default-src 'none'; sandbox");
		if (answer.download) headers.set('content-disposition', 'attachment');
		for (const [k, v] of Object.entries(answer.headers ?? {})) headers.set(k, v);
		body = answer.body as BodyInit;
	} else {
		headers.set('content-type', 'application/json; charset=utf-8');
		body =
			answer.kind === 'encoded-json'
				? (answer.body as Uint8Array<ArrayBuffer>)
				: JSON.stringify(options.reportInBody ? withReportFields(answer.body, report) : answer.body);
	}
	headers.set('x-content-type-options', 'nosniff');
	setCacheHeaders(headers, cls, answer.etag);
	return withReport(new Response(body, { status: 200, headers }), report);
}

/** The call report as headers, on every answer. */
function withReport(res: Response, report: CallReport): Response {
	if (report.operatorCredentials) res.headers.set(OPERATOR_CREDENTIALS_HEADER, '1');
	const rl = report.rateLimit;
	for (const key of ['limit', 'remaining', 'windowSeconds'] as const) {
		const v = rl?.[key];
		if (v !== undefined) res.headers.set(RATE_LIMIT_HEADERS[key], String(v));
	}
	return res;
}

/** The call report as fields of a JSON object answer (`OperatorCredentials`, `RateLimit`). */
function withReportFields(body: unknown, report: CallReport): unknown {
	const rl = report.rateLimit;
	if ((!report.operatorCredentials && !rl) || body === null || typeof body !== 'object' || Array.isArray(body)) return body;
	const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
	if (report.operatorCredentials) out.OperatorCredentials = true;
	if (rl) {
		out.RateLimit = {
			...(rl.limit !== undefined ? { Limit: rl.limit } : {}),
			...(rl.remaining !== undefined ? { Remaining: rl.remaining } : {}),
			...(rl.windowSeconds !== undefined ? { WindowSeconds: rl.windowSeconds } : {})
		};
	}
	return out;
}
