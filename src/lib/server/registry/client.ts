/**
 * The server's RegistrySource: manifests, config blobs and tag lists of one repository, with the
 * challenge → token → retry flow and the registry's errors mapped to RegscopeErrors.
 *
 * Bytes are returned exactly as received; verification is the core's job (verify.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { RegscopeError } from '$lib/oci/errors';
import type { Descriptor, Reference, UntrustedObject } from '$lib/oci/model';
import { MANIFEST_ACCEPT } from '$lib/oci/media-types';
import { apiHost } from '$lib/oci/reference';
import { parseTagList } from '$lib/oci/tags';
import { parseCatalog } from '$lib/oci/catalog';
import { LRUCache } from 'lru-cache';
import { AuthManager, parseWwwAuthenticate, pickChallenge, type CachedToken, type Challenge, type Credentials } from './auth';
import { isBasic, operatorCredentials } from './credentials';
import { getUpstream, header, headerAll, type Upstream, type UpstreamRequest, type UpstreamResponse } from '../net/http';
import { nextLink } from './link';
import { scrubSecrets, secretsOf } from './redact';
import { hostListed, normalizeHost } from '../settings';
import { countingUpstream } from '../net/upstream-count';

export interface TagListing {
	tags: string[];
	truncated: boolean;
	warnings: string[];
}

export interface ServerRegistrySource {
	manifest(target: string): Promise<UntrustedObject>;
	blob(d: Descriptor): Promise<UntrustedObject>;
	tags(): Promise<TagListing>;
	/** What a tag points to by the registry's HEAD answer (Docker-Content-Digest), or null when it sends none. */
	headDigest?(tag: string): Promise<string | null>;
	/** One page of the registry's `/v2/_catalog` (the bound repository only names the registry). */
	catalog?(page: { n: number; last?: string }): Promise<CatalogPage>;
}

export interface CatalogPage {
	repositories: string[];
	/** The `last` to ask for the next page (from the `Link` header), or null at the end. */
	next: string | null;
	/** How many entries were not valid repository names. */
	dropped: number;
}

/** One page of a referrers API answer (`GET /v2/<name>/referrers/<digest>`), bytes as received. */
export interface ReferrersAnswer {
	/** false when the registry answered 404: it has no referrers API (the fallback tag is then the way). */
	supported: boolean;
	pages: UntrustedObject[];
	/** `OCI-Filters-Applied` named artifactType (on every page). */
	filtered: boolean;
	/** Pages were left unread (too many, or a next link to another host). */
	truncated: boolean;
}

/** What the supply-chain service needs beyond the inspection source (referrers-service.ts). */
export interface ReferrersSource {
	referrers(digest: string, artifactType?: string, maxPages?: number): Promise<ReferrersAnswer>;
	/** A blob up to `maxBytes` (signature payloads, attestations, SBOMs), not only config-sized. */
	document(d: Descriptor, maxBytes: number): Promise<UntrustedObject>;
}

/** A layer blob being received: the body unread, for layer-stream.ts to count and pass on. */
export interface BlobStream {
	stream: Readable;
	contentLength: number | null;
	dockerContentDigest: string | null;
}

/** The source createRegistrySource makes: also streams layer blobs (never through the object cache). */
export interface StreamingRegistrySource extends ServerRegistrySource {
	blobStream(d: Descriptor, maxBytes: number): Promise<BlobStream>;
}

export interface RegistrySourceOptions {
	/** Overall deadline / cancellation for every request this source makes. */
	signal?: AbortSignal;
	upstream?: Upstream;
	auth?: AuthManager;
	/** The user's own credentials for this one call (X-Registry-Authorization). */
	credentials?: Credentials;
	/** Filled in while the source works: what the API answer should tell the user (see SourceReport). */
	report?: SourceReport;
	/**
	 * A by-digest manifest lookup (the server cache, anonymous calls only). Where tags are resolved with HEAD
	 * (Docker Hub and registries that report a pull rate limit), a hit saves the counted GET.
	 */
	cachedManifest?: (digest: string) => Promise<UntrustedObject | undefined> | UntrustedObject | undefined;
}

/** Facts about how an API call was served, for response headers and extra JSON fields. */
export interface SourceReport {
	/** Operator credentials (REGSCOPE_AUTH_FILE) answered a challenge for this call. */
	operatorCredentials?: boolean;
	/** The last `ratelimit-limit` / `ratelimit-remaining` the registry reported (Docker Hub style). */
	rateLimit?: RateLimit;
}

export interface RateLimit {
	limit?: number;
	remaining?: number;
	/** Window in seconds (`;w=21600`). */
	windowSeconds?: number;
}

/** Parses Docker Hub's `ratelimit-remaining: 76;w=21600` into its number and window. */
export function parseRateLimitHeader(v: string | null): { value: number; window?: number } | null {
	if (!v) return null;
	const m = /^\s*(\d{1,9})\s*(?:;\s*w\s*=\s*(\d{1,9}))?/.exec(v);
	if (!m) return null;
	return { value: Number(m[1]), ...(m[2] ? { window: Number(m[2]) } : {}) };
}

/** Registry origins that reported a pull rate limit: tags are resolved with HEAD there (HEAD is not counted). */
const countsPulls = new LRUCache<string, true>({ max: 1000 });
const DOCKER_HUB_API = 'registry-1.docker.io';
const TAG = /^[\w][\w.-]{0,127}$/;
const STRICT_DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
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

/**
 * The first `errors[]` entry of an OCI error body, when the body is one, cleaned of credentials (`secrets`
 * and anything shaped like one) before it is shortened, so a cut cannot leave half a secret behind.
 */
export function registryErrorDetail(body: Uint8Array, secrets: readonly string[] = []): { code?: string; message?: string } | null {
	if (body.byteLength === 0) return null;
	try {
		const j = JSON.parse(new TextDecoder().decode(body)) as { errors?: unknown };
		const first = Array.isArray(j?.errors) ? (j.errors[0] as Record<string, unknown> | undefined) : undefined;
		if (!first || typeof first !== 'object') return null;
		return {
			code: typeof first.code === 'string' ? untrustedText(scrubSecrets(first.code, secrets), 40) : undefined,
			message: typeof first.message === 'string' ? untrustedText(scrubSecrets(first.message, secrets)) : undefined
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

export function createRegistrySource(ref: Reference, opts: RegistrySourceOptions = {}): StreamingRegistrySource & ReferrersSource {
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
	// Operator credentials only when the user sent none; never mixed with a user's.
	const operator = opts.credentials ? undefined : operatorCredentials(settings.authFile, registry);
	const ctx = {
		registry,
		registryOrigin: origin,
		signal: opts.signal,
		credentials: opts.credentials ?? operator,
		shareCredentialTokens: operator !== undefined,
		memo: new Map<string, CachedToken>()
	};
	const report = opts.report;
	const secrets = secretsOf(ctx.credentials);

	/** Notes what the report needs from a registry answer (rate limit headers). */
	function observe(res: UpstreamResponse): UpstreamResponse {
		const limit = parseRateLimitHeader(header(res.headers, 'ratelimit-limit'));
		const remaining = parseRateLimitHeader(header(res.headers, 'ratelimit-remaining'));
		if ((limit || remaining) && res.url.origin === origin) {
			countsPulls.set(origin, true);
			if (report) {
				report.rateLimit = {
					...(limit ? { limit: limit.value } : {}),
					...(remaining ? { remaining: remaining.value } : {}),
					...((remaining?.window ?? limit?.window) !== undefined
						? { windowSeconds: (remaining?.window ?? limit?.window)! }
						: {})
				};
			}
		}
		return res;
	}

	/** Answers a challenge with this call's credentials, noting when operator credentials were used. */
	async function answer(c: Challenge, wanted = scope): Promise<string | null> {
		const value = await auth.authorization(c, wanted, ctx);
		if (value && operator && report) report.operatorCredentials = true;
		return value;
	}

	/**
	 * A redirect target that is itself a registry (registry.k8s.io → another registry) answered 401 with its
	 * own challenge: run that challenge anonymously for that host and scope, never with this registry's
	 * token or the user's credentials (security.md C3), then ask the target again.
	 */
	async function foreignChallenge(res: UpstreamResponse, o: SendOptions): Promise<UpstreamResponse> {
		const c = pickChallenge(parseWwwAuthenticate(headerAll(res.headers, 'www-authenticate')));
		if (!c || c.scheme !== 'bearer' || !c.params.realm) return res;
		const target = res.url;
		const fromPath = /^\/v2\/(.+?)\/(?:manifests|blobs|tags)\//.exec(target.pathname)?.[1];
		const asked = /^repository:([^:\s]+):pull$/.exec(c.params.scope ?? '')?.[1];
		const name = asked && REPOSITORY.test(asked) ? asked : fromPath && REPOSITORY.test(fromPath) ? fromPath : null;
		if (!name) return res;
		const value = await auth.authorization(c, `repository:${name}:pull`, {
			registry: `${registry} (redirected to ${target.host})`,
			registryOrigin: target.origin,
			signal: opts.signal
		});
		if (!value) return res;
		return observe(
			await upstream.request(target, {
				...o,
				template: `${o.template} (redirect target)`,
				registry,
				signal: opts.signal,
				authorization: { origin: target.origin, value }
			})
		);
	}

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
	async function authorizationFromCache(wanted: string): Promise<string | null> {
		const known = auth.knownChallenge(origin);
		if (!known) return null;
		try {
			return await answer(known, wanted);
		} catch (e) {
			if (e instanceof RegscopeError && e.code === 'UPSTREAM_TIMEOUT') throw e;
			return null;
		}
	}

	type SendOptions = Omit<UpstreamRequest, 'authorization' | 'registry' | 'signal'>;

	/** One request with the challenge flow: send, on 401 answer the challenge and retry once. */
	async function send(url: URL, o: SendOptions, wanted = scope): Promise<UpstreamResponse> {
		const release = await awaitFirstContact(auth, origin);
		try {
			return await sendOnce(url, o, release, wanted);
		} finally {
			release?.();
		}
	}

	async function sendOnce(url: URL, o: SendOptions, release: (() => void) | null, wanted: string): Promise<UpstreamResponse> {
		let authorization = await authorizationFromCache(wanted);
		const request = (value: string | null) =>
			upstream.request(url, {
				...o,
				registry,
				signal: opts.signal,
				authorization: value ? { origin, value } : undefined
			});
		let res = observe(await request(authorization));
		if (res.status !== 401) return res;
		if (res.url.origin !== origin) return foreignChallenge(res, o);
		const challenge = pickChallenge(parseWwwAuthenticate(headerAll(res.headers, 'www-authenticate')));
		if (!challenge) return res;
		const known = auth.knownChallenge(origin);
		if (known && authorization) {
			auth.forgetFor(known, wanted, ctx.shareCredentialTokens ? ctx.credentials : undefined);
			ctx.memo.clear();
		}
		auth.rememberChallenge(origin, challenge);
		release?.();
		authorization = await answer(challenge, wanted);
		if (!authorization) return res;
		res = observe(await request(authorization));
		if (res.status !== 401 || res.url.origin === origin) return res;
		return foreignChallenge(res, o);
	}

	function fail(res: UpstreamResponse, what: 'manifest' | 'blob' | 'tags', target: string): RegscopeError {
		const detail = registryErrorDetail(res.body, secrets);
		const said = detail?.message ?? detail?.code;
		const status = res.status;
		const subject =
			what === 'tags' ? repo : what === 'blob' ? `${repo}@${target}` : target.includes(':') && DIGEST.test(target) ? `${repo}@${target}` : `${repo}:${target}`;
		if ((status === 401 || status === 403) && opts.credentials) {
			const who = isBasic(opts.credentials) ? `for user "${untrustedText(opts.credentials.username, 64)}"` : '(a token)';
			return new RegscopeError(
				'UNAUTHORIZED',
				`registry ${registry} did not accept the credentials given ${who} for ${repo} (HTTP ${status}${said ? `: ${said}` : ''}): check the username and password or token`,
				{ status }
			);
		}
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
			`registry ${registry} answered HTTP ${status} for ${label}${said ? `: ${said}` : ''}${status === 503 ? retryAfter(res.headers) : ''}`,
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
			if (!DIGEST.test(target) && (base.hostname === DOCKER_HUB_API || countsPulls.has(origin))) {
				// HEAD is not a counted pull: resolve the tag, then use the by-digest copy if one is at hand.
				const head = await send(url, {
					method: 'HEAD',
					accept: MANIFEST_ACCEPT,
					maxBytes: settings.limits.manifestBytes,
					tooLarge: 'MANIFEST_TOO_LARGE',
					what: `manifest ${repo}:${target}`,
					template: '/v2/<name>/manifests/<ref> (HEAD)'
				});
				if (head.status === 404 || head.status === 429 || head.status === 401 || head.status === 403) {
					throw fail(head, 'manifest', target);
				}
				const resolved = head.status === 200 ? header(head.headers, 'docker-content-digest')?.trim() : undefined;
				if (resolved && STRICT_DIGEST.test(resolved)) {
					const hit = await opts.cachedManifest?.(resolved);
					if (hit) return hit;
					const byDigest = await send(build(`/v2/${repo}/manifests/${resolved}`), {
						accept: MANIFEST_ACCEPT,
						maxBytes: settings.limits.manifestBytes,
						tooLarge: 'MANIFEST_TOO_LARGE',
						what: `manifest ${repo}:${target} (${resolved})`,
						template: '/v2/<name>/manifests/<ref>'
					});
					if (byDigest.status !== 200) throw fail(byDigest, 'manifest', resolved);
					return untrusted(byDigest);
				}
			}
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
				tooLarge: 'DIGEST_MISMATCH',
				what: `blob ${d.digest} (its descriptor says ${d.size} bytes)`,
				template: '/v2/<name>/blobs/<digest>'
			});
			if (res.status !== 200) throw fail(res, 'blob', d.digest);
			return untrusted(res);
		},

		async blobStream(d: Descriptor, maxBytes: number): Promise<BlobStream> {
			if (typeof d.digest !== 'string' || !STRICT_DIGEST.test(d.digest)) {
				throw new RegscopeError('INVALID_REQUEST', 'the layer digest is not a valid digest');
			}
			const res = await send(build(`/v2/${repo}/blobs/${d.digest}`), {
				maxBytes,
				tooLarge: 'BLOB_TOO_LARGE',
				what: `layer ${d.digest}`,
				template: '/v2/<name>/blobs/<digest> (layer)',
				stream: true
			});
			if (res.status !== 200 || !res.stream) {
				res.stream?.destroy();
				throw fail(res, 'blob', d.digest);
			}
			const length = Number(header(res.headers, 'content-length') ?? NaN);
			return {
				stream: res.stream,
				contentLength: Number.isSafeInteger(length) ? length : null,
				dockerContentDigest: header(res.headers, 'docker-content-digest')
			};
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
			let received = 0;
			pages: while (url) {
				if (pages >= limits.tagPages) {
					truncated = true;
					warnings.push(`the tag list was cut after ${limits.tagPages} pages`);
					break;
				}
				// A total budget, not just a page count: 100 full pages would be 400 MiB for one listing.
				if (received + limits.tagPageBytes > limits.tagListBytes) {
					truncated = true;
					warnings.push(`the tag list was cut after ${pages} pages (${received} bytes; this server reads at most ${limits.tagListBytes} bytes of tag pages per listing)`);
					break;
				}
				seen.add(url.href);
				const res = await send(url, {
					accept: 'application/json',
					maxBytes: limits.tagPageBytes,
					tooLarge: 'UPSTREAM_TOO_LARGE',
					what: `a tag list page of ${repo}`,
					template: '/v2/<name>/tags/list'
				});
				if (res.status !== 200) throw fail(res, 'tags', '');
				pages++;
				received += res.body.byteLength;
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
		},

		async headDigest(tag: string): Promise<string | null> {
			if (!TAG.test(tag)) throw new RegscopeError('INVALID_REFERENCE', `"${untrustedText(tag, 80)}" is not a tag`);
			const res = await send(build(`/v2/${repo}/manifests/${tag}`), {
				method: 'HEAD',
				accept: MANIFEST_ACCEPT,
				maxBytes: settings.limits.manifestBytes,
				tooLarge: 'MANIFEST_TOO_LARGE',
				what: `manifest ${repo}:${tag}`,
				template: '/v2/<name>/manifests/<ref> (HEAD)'
			});
			if (res.status === 405 || res.status === 501) return null;
			if (res.status !== 200) throw fail(res, 'manifest', tag);
			const digest = header(res.headers, 'docker-content-digest')?.trim();
			return digest && STRICT_DIGEST.test(digest) ? digest : null;
		},

		async catalog(page: { n: number; last?: string }): Promise<CatalogPage> {
			const query = new URLSearchParams({ n: String(page.n) });
			if (page.last) query.set('last', page.last);
			// The catalog needs its own token scope; a registry that does not grant it anonymously answers 401.
			const res = await send(
				build(`/v2/_catalog?${query}`),
				{
					accept: 'application/json',
					maxBytes: settings.limits.tagPageBytes,
					tooLarge: 'UPSTREAM_TOO_LARGE',
					what: `a catalog page of ${registry}`,
					template: '/v2/_catalog'
				},
				'registry:catalog:*'
			);
			if (res.status !== 200) throw catalogRefused(registry, res, opts.credentials !== undefined);
			const list = parseCatalog(res.body);
			const next = nextLink(headerAll(res.headers, 'link'), res.url)?.searchParams.get('last') ?? null;
			const last = list.repositories.at(-1);
			// A next page is followed only by its `last` name, on this registry, and only forward.
			return {
				repositories: list.repositories,
				next: next && next.length <= 255 && (!last || next >= last) && next !== page.last ? next : null,
				dropped: list.dropped
			};
		},

		async referrers(digest: string, artifactType?: string, maxPages = 10): Promise<ReferrersAnswer> {
			if (!STRICT_DIGEST.test(digest)) throw new RegscopeError('INVALID_REQUEST', 'the referrers subject is not a sha256/sha512 digest');
			const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
			let url: URL | null = build(`/v2/${repo}/referrers/${digest}${query}`);
			const answer: ReferrersAnswer = { supported: true, pages: [], filtered: true, truncated: false };
			const seen = new Set<string>();
			while (url) {
				if (answer.pages.length >= maxPages || seen.has(url.href)) {
					answer.truncated = true;
					break;
				}
				seen.add(url.href);
				const res = await send(url, {
					accept: 'application/vnd.oci.image.index.v1+json',
					maxBytes: settings.limits.manifestBytes,
					tooLarge: 'MANIFEST_TOO_LARGE',
					what: `referrers of ${repo}@${digest}`,
					template: '/v2/<name>/referrers/<digest>'
				});
				if (res.status === 404 && answer.pages.length === 0) return { ...answer, supported: false, filtered: false };
				if (res.status !== 200) throw fail(res, 'manifest', digest);
				answer.pages.push(untrusted(res));
				const applied = header(res.headers, 'oci-filters-applied') ?? '';
				if (!applied.split(',').some((f) => f.trim() === 'artifactType')) answer.filtered = false;
				const next = nextLink(headerAll(res.headers, 'link'), res.url);
				if (next && (next.protocol !== res.url.protocol || next.host !== res.url.host)) {
					answer.truncated = true;
					break;
				}
				url = next;
			}
			return answer;
		},

		async document(d: Descriptor, maxBytes: number): Promise<UntrustedObject> {
			if (!STRICT_DIGEST.test(d.digest)) throw new RegscopeError('INVALID_REQUEST', 'the blob digest is not a sha256/sha512 digest');
			if (!Number.isSafeInteger(d.size) || d.size < 0) throw new RegscopeError('INVALID_REQUEST', `blob ${d.digest} has an invalid size`);
			if (d.size > maxBytes) {
				throw new RegscopeError('BLOB_TOO_LARGE', `blob ${d.digest} is ${d.size} bytes; regscope reads documents up to ${maxBytes} bytes`, { limit: maxBytes });
			}
			const res = await send(build(`/v2/${repo}/blobs/${d.digest}`), {
				maxBytes: d.size,
				tooLarge: 'DIGEST_MISMATCH',
				what: `blob ${d.digest} (its descriptor says ${d.size} bytes)`,
				template: '/v2/<name>/blobs/<digest>'
			});
			if (res.status !== 200) throw fail(res, 'blob', d.digest);
			return untrusted(res);
		}
	};
}

/** A catalog the registry will not list: said plainly, with the status it answered. */
function catalogRefused(registry: string, res: UpstreamResponse, credentials: boolean): RegscopeError {
	const status = res.status;
	const detail = registryErrorDetail(res.body);
	const said = detail?.message ?? detail?.code;
	const because = `HTTP ${status}${said ? `: ${said}` : ''}`;
	if (status === 401 || status === 403) {
		return new RegscopeError(
			'UNAUTHORIZED',
			credentials
				? `registry ${registry} does not list its repositories for the credentials given (${because})`
				: `registry ${registry} does not list its repositories to anonymous users (${because}); open a repository by its name instead`,
			{ status, catalog: 'refused' }
		);
	}
	if (status === 404) {
		return new RegscopeError(
			'NOT_FOUND',
			`registry ${registry} does not offer a repository catalog (${because}); open a repository by its name instead`,
			{ status, catalog: 'refused' }
		);
	}
	if (status === 429) {
		return new RegscopeError('TOO_MANY_REQUESTS', `registry ${registry} is rate limiting requests (${because})${retryAfter(res.headers)}`, { status });
	}
	return new RegscopeError('UPSTREAM_ERROR', `registry ${registry} answered ${because} for its repository catalog`, { status });
}
