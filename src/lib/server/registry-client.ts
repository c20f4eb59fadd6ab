/**
 * The server's RegistrySource: manifests, config blobs and tag lists of one repository, with the
 * challenge → token → retry flow and the registry's errors mapped to RegscopeErrors.
 *
 * Bytes are returned exactly as received; verification is the core's job (verify.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { RegscopeError } from '$lib/oci/errors';
import type { Descriptor, Reference, UntrustedObject } from '$lib/oci/model';
import { MANIFEST_ACCEPT } from '$lib/oci/media-types';
import { apiHost } from '$lib/oci/reference';
import { parseTagList } from '$lib/oci/tags';
import { AuthManager, parseWwwAuthenticate, pickChallenge, type Credentials } from './auth';
import { getUpstream, header, headerAll, type Upstream, type UpstreamRequest, type UpstreamResponse } from './http';
import { nextLink } from './link';
import { hostListed, normalizeHost } from './settings';
import { countingUpstream } from './upstream-count';

export interface TagListing {
	tags: string[];
	truncated: boolean;
	warnings: string[];
}

export interface ServerRegistrySource {
	manifest(target: string): Promise<UntrustedObject>;
	blob(d: Descriptor): Promise<UntrustedObject>;
	tags(): Promise<TagListing>;
}

export interface RegistrySourceOptions {
	/** Overall deadline / cancellation for every request this source makes. */
	signal?: AbortSignal;
	upstream?: Upstream;
	auth?: AuthManager;
	credentials?: Credentials;
}

const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

let sharedAuth: AuthManager | undefined;

/**
 * First contact with a registry origin: while its first request is out (and no challenge is known yet),
 * concurrent requests to that origin wait for its answer, so they reuse the challenge (and the one token)
 * it leads to instead of each collecting their own 401. Per AuthManager; entries are dropped once settled.
 */
const firstContact = new WeakMap<AuthManager, Map<string, Promise<void>>>();
const contacted = new WeakMap<AuthManager, Set<string>>();

async function awaitFirstContact(auth: AuthManager, origin: string): Promise<(() => void) | null> {
	const done = contacted.get(auth) ?? new Set<string>();
	contacted.set(auth, done);
	if (done.has(origin) || auth.knownChallenge(origin)) return null;
	const pending = firstContact.get(auth) ?? new Map<string, Promise<void>>();
	firstContact.set(auth, pending);
	const inFlight = pending.get(origin);
	if (inFlight) {
		await inFlight;
		return null;
	}
	let release!: () => void;
	pending.set(origin, new Promise<void>((resolve) => (release = resolve)));
	let released = false;
	return () => {
		if (released) return;
		released = true;
		if (done.size >= 1000) done.clear();
		done.add(origin);
		pending.delete(origin);
		release();
	};
}

export function getAuthManager(): AuthManager {
	sharedAuth ??= new AuthManager(countingUpstream(getUpstream()));
	return sharedAuth;
}

/** Registry-sent text for a message: printable, one line, at most ~200 characters. */
export function untrustedText(s: string, max = 200): string {
	// eslint-disable-next-line no-control-regex
	const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
	return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** The first `errors[]` entry of an OCI error body, when the body is one. */
export function registryErrorDetail(body: Uint8Array): { code?: string; message?: string } | null {
	if (body.byteLength === 0) return null;
	try {
		const j = JSON.parse(new TextDecoder().decode(body)) as { errors?: unknown };
		const first = Array.isArray(j?.errors) ? (j.errors[0] as Record<string, unknown> | undefined) : undefined;
		if (!first || typeof first !== 'object') return null;
		return {
			code: typeof first.code === 'string' ? untrustedText(first.code, 40) : undefined,
			message: typeof first.message === 'string' ? untrustedText(first.message) : undefined
		};
	} catch {
		return null;
	}
}

function retryAfter(headers: IncomingHttpHeaders): string {
	const v = header(headers, 'retry-after');
	if (!v) return '';
	if (/^\d{1,6}$/.test(v.trim())) return `; retry after ${Math.min(Number(v), 86_400)} s`;
	const t = Date.parse(v);
	return Number.isFinite(t) ? `; retry after ${Math.max(0, Math.round((t - Date.now()) / 1000))} s` : '';
}

export function createRegistrySource(ref: Reference, opts: RegistrySourceOptions = {}): ServerRegistrySource {
	// Counted per API call (X-Upstream-Requests); see upstream-count.ts.
	const upstream = countingUpstream(opts.upstream ?? getUpstream());
	const auth = opts.auth ?? (opts.upstream ? new AuthManager(upstream) : getAuthManager());
	const settings = upstream.settings;
	const registry = ref.registry;
	const repo = ref.repository;
	if (!REPOSITORY.test(repo)) {
		throw new RegscopeError('INVALID_REFERENCE', `repository "${untrustedText(repo, 80)}" is not valid`);
	}
	const host = apiHost(ref);
	let base: URL;
	try {
		base = new URL(`https://${host}/`);
	} catch {
		throw new RegscopeError('INVALID_REFERENCE', `registry "${untrustedText(registry, 80)}" is not a valid host`);
	}
	if (base.host !== host.toLowerCase() || base.username || base.password || base.pathname !== '/') {
		throw new RegscopeError('INVALID_REFERENCE', `registry "${untrustedText(registry, 80)}" is not a valid host`);
	}
	const hostname = normalizeHost(base.hostname);
	const explicitPort = base.port ? Number(base.port) : undefined;
	if (hostListed(settings.insecureRegistries, hostname, explicitPort ?? 80)) {
		base = new URL(`http://${host}/`);
	}
	const origin = base.origin;
	const scope = `repository:${repo}:pull`;
	const ctx = { registry, registryOrigin: origin, signal: opts.signal, credentials: opts.credentials };

	function build(path: string): URL {
		const url = new URL(path, base);
		if (url.origin !== origin || url.pathname !== path.split('?')[0]) {
			throw new RegscopeError('INVALID_REQUEST', 'refusing to build a registry URL that changes host or path');
		}
		return url;
	}

	/**
	 * Answers the challenge this registry sent before, so the 401 round trip is skipped. If that fails
	 * (the token service refuses this repository, say), the request goes out without it and the normal
	 * challenge flow reports the real problem.
	 */
	async function authorizationFromCache(): Promise<string | null> {
		const known = auth.knownChallenge(origin);
		if (!known) return null;
		try {
			return await auth.authorization(known, scope, ctx);
		} catch (e) {
			if (e instanceof RegscopeError && e.code === 'UPSTREAM_TIMEOUT') throw e;
			return null;
		}
	}

	type SendOptions = Omit<UpstreamRequest, 'authorization' | 'registry' | 'signal'>;

	/** One request with the challenge flow: send, on 401 answer the challenge and retry once. */
	async function send(url: URL, o: SendOptions): Promise<UpstreamResponse> {
		const release = await awaitFirstContact(auth, origin);
		try {
			return await sendOnce(url, o, release);
		} finally {
			release?.();
		}
	}

	async function sendOnce(url: URL, o: SendOptions, release: (() => void) | null): Promise<UpstreamResponse> {
		let authorization = await authorizationFromCache();
		const request = (value: string | null) =>
			upstream.request(url, {
				...o,
				registry,
				signal: opts.signal,
				authorization: value ? { origin, value } : undefined
			});
		let res = await request(authorization);
		if (res.status !== 401 || res.url.origin !== origin) return res;
		const challenge = pickChallenge(parseWwwAuthenticate(headerAll(res.headers, 'www-authenticate')));
		if (!challenge) return res;
		const known = auth.knownChallenge(origin);
		if (known && authorization) auth.forget(known, scope);
		auth.rememberChallenge(origin, challenge);
		release?.();
		authorization = await auth.authorization(challenge, scope, ctx);
		if (!authorization) return res;
		res = await request(authorization);
		return res;
	}

	function fail(res: UpstreamResponse, what: 'manifest' | 'blob' | 'tags', target: string): RegscopeError {
		const detail = registryErrorDetail(res.body);
		const said = detail?.message ?? detail?.code;
		const status = res.status;
		const subject =
			what === 'tags' ? repo : what === 'blob' ? `${repo}@${target}` : target.includes(':') && DIGEST.test(target) ? `${repo}@${target}` : `${repo}:${target}`;
		if (status === 401 || status === 403) {
			return new RegscopeError(
				'UNAUTHORIZED',
				`registry ${registry} refused access to ${repo} (HTTP ${status}${said ? `: ${said}` : ''}): credentials are needed to read it`,
				{ status }
			);
		}
		if (status === 404) {
			const fallback = what === 'manifest' ? 'manifest unknown' : what === 'blob' ? 'blob unknown' : 'repository unknown';
			return new RegscopeError('NOT_FOUND', `${said ?? fallback}: ${subject} not found on ${registry}`, { status });
		}
		if (status === 429) {
			return new RegscopeError(
				'TOO_MANY_REQUESTS',
				`registry ${registry} is rate limiting requests (HTTP 429${said ? `: ${said}` : ''})${retryAfter(res.headers)}`,
				{ status }
			);
		}
		const label = what === 'tags' ? `the tag list of ${repo}` : `${what} ${subject}`;
		return new RegscopeError(
			'UPSTREAM_ERROR',
			`registry ${registry} answered HTTP ${status} for ${label}${said ? `: ${said}` : ''}`,
			{ status }
		);
	}

	function untrusted(res: UpstreamResponse): UntrustedObject {
		return {
			bytes: res.body,
			contentType: header(res.headers, 'content-type'),
			dockerContentDigest: header(res.headers, 'docker-content-digest')
		};
	}

	return {
		async manifest(target: string): Promise<UntrustedObject> {
			if (!TAG.test(target) && !DIGEST.test(target)) {
				throw new RegscopeError('INVALID_REFERENCE', `"${untrustedText(target, 80)}" is neither a tag nor a digest`);
			}
			const url = build(`/v2/${repo}/manifests/${target}`);
			const res = await send(url, {
				accept: MANIFEST_ACCEPT,
				maxBytes: settings.limits.manifestBytes,
				tooLarge: 'MANIFEST_TOO_LARGE',
				what: `manifest ${repo}${DIGEST.test(target) ? '@' : ':'}${target}`,
				template: '/v2/<name>/manifests/<ref>'
			});
			if (res.status !== 200) throw fail(res, 'manifest', target);
			return untrusted(res);
		},

		async blob(d: Descriptor): Promise<UntrustedObject> {
			if (typeof d.digest !== 'string' || !DIGEST.test(d.digest)) {
				throw new RegscopeError('INVALID_REQUEST', 'the blob digest is not a valid digest');
			}
			if (!Number.isSafeInteger(d.size) || d.size < 0) {
				throw new RegscopeError('INVALID_REQUEST', `blob ${d.digest} has an invalid size`);
			}
			if (d.size > settings.limits.configBytes) {
				throw new RegscopeError(
					'BLOB_TOO_LARGE',
					`blob ${d.digest} is ${d.size} bytes; regscope reads config blobs up to ${settings.limits.configBytes} bytes`,
					{ limit: settings.limits.configBytes }
				);
			}
			const url = build(`/v2/${repo}/blobs/${d.digest}`);
			const res = await send(url, {
				maxBytes: d.size,
				tooLarge: 'BLOB_TOO_LARGE',
				what: `blob ${d.digest} (its descriptor says ${d.size} bytes)`,
				template: '/v2/<name>/blobs/<digest>'
			});
			if (res.status !== 200) throw fail(res, 'blob', d.digest);
			return untrusted(res);
		},

		async tags(): Promise<TagListing> {
			const limits = settings.limits;
			const seen = new Set<string>();
			const tags = new Set<string>();
			const warnings: string[] = [];
			let truncated = false;
			let dropped = 0;
			let pages = 0;
			let url: URL | null = build(`/v2/${repo}/tags/list`);
			pages: while (url) {
				if (pages >= limits.tagPages) {
					truncated = true;
					warnings.push(`the tag list was cut after ${limits.tagPages} pages`);
					break;
				}
				seen.add(url.href);
				const res = await send(url, {
					accept: 'application/json',
					maxBytes: limits.tagPageBytes,
					tooLarge: 'UPSTREAM_ERROR',
					what: `a tag list page of ${repo}`,
					template: '/v2/<name>/tags/list'
				});
				if (res.status !== 200) throw fail(res, 'tags', '');
				pages++;
				const page = parseTagList(res.body);
				dropped += page.dropped;
				for (const t of page.tags) {
					if (tags.size >= limits.tags) {
						truncated = true;
						warnings.push(`the tag list was cut at ${limits.tags} tags`);
						break pages;
					}
					tags.add(t);
				}
				const next = nextLink(headerAll(res.headers, 'link'), res.url);
				if (!next) break;
				if (next.protocol !== res.url.protocol || next.host !== res.url.host) {
					truncated = true;
					warnings.push(
						`the tag list's next page points to another host or scheme (${next.protocol}//${untrustedText(next.host, 100)}); not followed`
					);
					break;
				}
				if (seen.has(next.href)) {
					truncated = true;
					warnings.push('the tag list pagination repeats a page; stopped');
					break;
				}
				url = next;
			}
			if (dropped > 0) warnings.push(`${dropped} invalid tag entr${dropped === 1 ? 'y was' : 'ies were'} dropped`);
			return { tags: [...tags], truncated, warnings };
		}
	};
}
