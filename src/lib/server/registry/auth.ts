/**
 * Registry authentication: `WWW-Authenticate` parsing, anonymous Bearer tokens (cached per realm, service
 * and scope until shortly before expiry), and Basic for caller-supplied credentials.
 *
 * The realm is registry-controlled: it must be https (http only for REGSCOPE_INSECURE_REGISTRIES hosts),
 * carry no userinfo, and pass the same address policy as every other request (http.ts checks it).
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { LRUCache } from 'lru-cache';
import { RegscopeError } from '$lib/oci/errors';
import { blockedError, decideHostname, decidePort } from '../net/address-policy';
import { basicHeaderValue, isBasic, isBearer, type Credentials } from './credentials';
import { redactUrl, type Upstream } from '../net/http';
import { hostListed, normalizeHost, urlPort } from '../settings';

export type { Credentials } from './credentials';

export interface Challenge {
	/** Lowercase scheme: `bearer`, `basic`, … */
	scheme: string;
	/** Lowercase keys. `token68` holds a bare token68 value if the challenge had one. */
	params: Record<string, string>;
}

const TCHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;
const TOKEN68 = /^([A-Za-z0-9\-._~+/]+=*)[ \t]*(?:,|$)/;

/**
 * Parses one or more `WWW-Authenticate` values (RFC 9110 §11.6.1): several challenges per header, quoted
 * values with commas and backslash escapes, unquoted values, case-insensitive scheme and keys.
 */
export function parseWwwAuthenticate(values: string | readonly string[] | null | undefined): Challenge[] {
	const list = values == null ? [] : typeof values === 'string' ? [values] : values;
	const out: Challenge[] = [];
	for (const value of list) parseOne(value, out);
	return out;
}

function parseOne(s: string, out: Challenge[]): void {
	let i = 0;
	let current: Challenge | null = null;
	const ws = () => {
		while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
	};
	const token = () => {
		const start = i;
		while (i < s.length && TCHAR.test(s[i]!)) i++;
		return s.slice(start, i);
	};
	const unquoted = () => {
		const start = i;
		while (i < s.length && s[i] !== ',' && s[i] !== ' ' && s[i] !== '\t') i++;
		return s.slice(start, i);
	};
	const skipToComma = () => {
		while (i < s.length && s[i] !== ',') {
			if (s[i] === '"') {
				quoted();
			} else i++;
		}
	};
	const quoted = () => {
		// assumes s[i] === '"'
		i++;
		let v = '';
		while (i < s.length && s[i] !== '"') {
			if (s[i] === '\\' && i + 1 < s.length) i++;
			v += s[i];
			i++;
		}
		i++; // closing quote (or end)
		return v;
	};
	while (i < s.length) {
		ws();
		if (s[i] === ',') {
			i++;
			continue;
		}
		if (i >= s.length) break;
		const t = token();
		if (!t) {
			// garbage: skip to the next comma
			i++;
			skipToComma();
			continue;
		}
		ws();
		if (s[i] === '=' && current) {
			// could be a param, or a token68 ending in '=' right after the scheme (handled below)
			i++;
			ws();
			const v = s[i] === '"' ? quoted() : unquoted();
			current.params[t.toLowerCase()] = v;
			ws();
			if (i < s.length && s[i] !== ',') skipToComma();
			continue;
		}
		// a new challenge
		current = { scheme: t.toLowerCase(), params: {} };
		out.push(current);
		ws();
		const m = TOKEN68.exec(s.slice(i));
		if (m) {
			current.params.token68 = m[1]!;
			i += m[1]!.length;
		}
	}
}

/** Picks the challenge to answer: Bearer first, then Basic. */
export function pickChallenge(challenges: Challenge[]): Challenge | null {
	return (
		challenges.find((c) => c.scheme === 'bearer' && c.params.realm) ??
		challenges.find((c) => c.scheme === 'basic') ??
		null
	);
}

export interface TokenContext {
	registry: string;
	/** Origin of the registry (scheme://host:port), for realm scheme rules and Basic. */
	registryOrigin: string;
	signal?: AbortSignal;
	credentials?: Credentials;
	/**
	 * Whether tokens obtained with `credentials` may be kept in the shared cache, keyed by a hash of the
	 * credentials (operator credentials: every user gets their access anyway). A user's never are.
	 */
	shareCredentialTokens?: boolean;
	/** Per-call memo (one API call, one user): tokens obtained with the user's credentials live here only. */
	memo?: Map<string, CachedToken>;
}

export interface CachedToken {
	token: string;
	expiresAt: number;
}

export interface TokenResponse {
	token: string;
	/** Epoch ms after which the token should not be used. */
	expiresAt: number;
}

/** Minimum lifetime (s) and default when absent, as containers/image and regclient do. */
export const MIN_TOKEN_LIFETIME_S = 60;
export const TOKEN_SAFETY_MARGIN_MS = 5_000;

/** Reads a token endpoint's JSON. Pure; exported for tests. */
export function parseTokenResponse(bytes: Uint8Array, receivedAt: number): TokenResponse {
	let json: unknown;
	try {
		json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
	} catch {
		throw new Error('the token response is not JSON');
	}
	if (typeof json !== 'object' || json === null || Array.isArray(json)) {
		throw new Error('the token response is not a JSON object');
	}
	const o = json as Record<string, unknown>;
	const token =
		typeof o.token === 'string' && o.token !== ''
			? o.token
			: typeof o.access_token === 'string' && o.access_token !== ''
				? o.access_token
				: null;
	if (token === null) throw new Error('the token response has no token');
	if (/[\r\n\0]/.test(token)) throw new Error('the token contains control characters');
	let lifetime = typeof o.expires_in === 'number' && Number.isFinite(o.expires_in) ? o.expires_in : MIN_TOKEN_LIFETIME_S;
	if (lifetime < MIN_TOKEN_LIFETIME_S) lifetime = MIN_TOKEN_LIFETIME_S;
	let issued = receivedAt;
	if (typeof o.issued_at === 'string') {
		const t = Date.parse(o.issued_at);
		// ignore issued_at from a skewed clock (future, or so old the token would already be expired)
		if (Number.isFinite(t) && t <= receivedAt && t + lifetime * 1000 > receivedAt + TOKEN_SAFETY_MARGIN_MS) {
			issued = t;
		}
	}
	return { token, expiresAt: issued + lifetime * 1000 - TOKEN_SAFETY_MARGIN_MS };
}

/** Multi-label public suffixes and multi-tenant domains whose subdomains belong to different owners. */
const SHARED_SUFFIXES = new Set([
	'co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'me.uk', 'com.au', 'net.au', 'org.au', 'co.jp', 'ne.jp', 'or.jp',
	'com.br', 'com.cn', 'net.cn', 'org.cn', 'co.nz', 'co.in', 'co.kr', 'com.tw', 'com.hk', 'com.sg', 'com.mx',
	'co.za', 'com.tr', 'com.ar', 'co.il',
	'github.io', 'gitlab.io', 'herokuapp.com', 'azurecr.io', 'azurewebsites.net', 'cloudfront.net',
	'amazonaws.com', 'appspot.com', 'pkg.dev', 'web.app', 'firebaseapp.com', 'netlify.app', 'vercel.app',
	'pages.dev', 'workers.dev', 'fly.dev', 'onrender.com', 'ngrok.io', 'ngrok-free.app', 'trycloudflare.com',
	'duckdns.org', 'nip.io', 'sslip.io', 'core.windows.net', 'cloudapp.azure.com', 'cloudapp.net',
	'digitaloceanspaces.com', 'r2.dev', 'run.app', 'cloudfunctions.net', 'ondigitalocean.app', 'glitch.me'
]);
const CC_SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'ac', 'edu', 'ne', 'or', 'go']);

/**
 * The registrable domain of a host, conservatively: IP literals are their own; a multi-tenant or
 * multi-label suffix (curated list, plus `co.xx`-style ccTLD second levels) takes one more label.
 * Without a full Public Suffix List this can only be stricter than the PSL for unlisted suffixes whose
 * subdomains have different owners; those are listed above.
 */
export function registrableDomain(hostname: string): string {
	const h = normalizeHost(hostname);
	if (isIP(h) || !h.includes('.')) return h;
	const labels = h.split('.');
	let take = 2;
	for (let n = labels.length - 1; n >= 2; n--) {
		const suffix = labels.slice(-n).join('.');
		if (SHARED_SUFFIXES.has(suffix)) {
			take = n + 1;
			break;
		}
	}
	if (take === 2 && labels.length >= 3) {
		const tld = labels[labels.length - 1]!;
		const second = labels[labels.length - 2]!;
		if (tld.length === 2 && CC_SECOND_LEVEL.has(second)) take = 3;
		if (SHARED_SUFFIXES.has(`${second}.${tld}`)) take = 3;
	}
	if (labels.length < take) return h;
	return labels.slice(-take).join('.');
}

/**
 * Whether a user's Basic credentials may be sent to this realm (security.md D3): the registry's own host
 * (any port), or a host under the same registrable domain; never across schemes to plain http unless the
 * registry itself is plain http.
 */
export function realmMayReceiveCredentials(realm: URL, registryOrigin: string): boolean {
	const reg = new URL(registryOrigin);
	if (realm.protocol === 'http:' && reg.protocol !== 'http:') return false;
	const a = normalizeHost(realm.hostname);
	const b = normalizeHost(reg.hostname);
	if (a === b) return true;
	if (isIP(a) || isIP(b)) return false;
	return registrableDomain(a) === registrableDomain(b);
}

function credentialsKey(c: Credentials): string {
	const material = isBasic(c) ? `basic\n${c.username}\n${c.password}` : `bearer\n${c.token}`;
	return createHash('sha256').update(material, 'utf8').digest('hex');
}

export class AuthManager {
	private readonly tokens = new LRUCache<string, CachedToken>({ max: 1000 });
	private readonly inflight = new Map<string, Promise<CachedToken>>();
	/** Last challenge seen per registry origin, so later requests skip the 401 round trip. */
	private readonly challenges = new LRUCache<string, Challenge>({ max: 1000 });
	/** Number of token requests made (for tests and diagnostics). */
	tokenRequests = 0;

	constructor(
		private readonly upstream: Upstream,
		private readonly now: () => number = Date.now
	) {}

	rememberChallenge(origin: string, c: Challenge): void {
		this.challenges.set(origin, c);
	}

	knownChallenge(origin: string): Challenge | undefined {
		return this.challenges.get(origin);
	}

	forget(c: Challenge, scope: string): void {
		this.tokens.delete(this.key(c, scope));
	}

	private key(c: Challenge, scope: string, who = 'anon'): string {
		return [c.params.realm ?? '', c.params.service ?? '', scope, who].join('\n');
	}

	/**
	 * The Authorization value answering `c` for `scope`, or null when it cannot be answered (Basic without
	 * credentials, unknown scheme). Anonymous tokens are cached; tokens from operator credentials are cached
	 * under a hash of those credentials; tokens from a user's credentials only in that call's `memo`.
	 */
	async authorization(c: Challenge, scope: string, ctx: TokenContext): Promise<string | null> {
		const creds = ctx.credentials;
		if (c.scheme === 'basic') return isBasic(creds) ? basicHeaderValue(creds) : null;
		if (c.scheme !== 'bearer' || !c.params.realm) return null;
		if (isBearer(creds)) return `Bearer ${creds.token}`;
		if (creds && !ctx.shareCredentialTokens) {
			const key = this.key(c, scope, credentialsKey(creds));
			const hit = ctx.memo?.get(key);
			if (hit && hit.expiresAt > this.now()) return `Bearer ${hit.token}`;
			const t = await this.fetchToken(c, scope, ctx);
			ctx.memo?.set(key, t);
			return `Bearer ${t.token}`;
		}
		const key = this.key(c, scope, creds ? credentialsKey(creds) : 'anon');
		const hit = this.tokens.get(key);
		if (hit && hit.expiresAt > this.now()) return `Bearer ${hit.token}`;
		let p = this.inflight.get(key);
		if (!p) {
			p = this.fetchToken(c, scope, ctx).finally(() => this.inflight.delete(key));
			this.inflight.set(key, p);
		}
		const t = await p;
		this.tokens.set(key, t);
		return `Bearer ${t.token}`;
	}

	forgetFor(c: Challenge, scope: string, creds: Credentials | undefined): void {
		this.tokens.delete(this.key(c, scope, creds ? credentialsKey(creds) : 'anon'));
	}

	private realmUrl(c: Challenge, scope: string, ctx: TokenContext): URL {
		let url: URL;
		try {
			url = new URL(c.params.realm ?? '');
		} catch {
			throw new RegscopeError('UPSTREAM_ERROR', `registry ${ctx.registry} sent an invalid token realm`);
		}
		if (url.username || url.password) {
			throw new RegscopeError('BLOCKED_ADDRESS', `registry ${ctx.registry} sent a token realm with credentials in it`, { host: url.host });
		}
		const settings = this.upstream.settings;
		if (url.protocol === 'https:' || url.protocol === 'http:') {
			// The realm is registry-controlled: the same address and port policy as the registry itself.
			const d = decideHostname(url.hostname, urlPort(url), settings);
			if (!d.ok) throw blockedError(url.host, `${d.reason} (the token realm of ${ctx.registry})`);
			const p = decidePort(url.hostname, urlPort(url), settings);
			if (!p.ok) throw blockedError(url.host, `${p.reason} (the token realm of ${ctx.registry})`);
		}
		const insecureOk =
			url.protocol === 'http:' && hostListed(settings.insecureRegistries, normalizeHost(url.hostname), urlPort(url));
		if (url.protocol !== 'https:' && !insecureOk) {
			throw new RegscopeError(
				'BLOCKED_ADDRESS',
				`registry ${ctx.registry} sent a token realm that is not https (${url.protocol.slice(0, 20)}//${url.host})`,
				{ host: url.host }
			);
		}
		url.hash = '';
		if (c.params.service) url.searchParams.set('service', c.params.service);
		url.searchParams.append('scope', scope);
		return url;
	}

	private async fetchToken(c: Challenge, scope: string, ctx: TokenContext): Promise<CachedToken> {
		const url = this.realmUrl(c, scope, ctx);
		const creds = isBasic(ctx.credentials) ? ctx.credentials : undefined;
		// Credentials go only to the registry's own host or a host of its registrable domain (D3).
		if (creds && !realmMayReceiveCredentials(url, ctx.registryOrigin)) {
			throw new RegscopeError(
				'UNAUTHORIZED',
				`registry ${ctx.registry} sends its token requests to ${url.host}, which is neither the registry's host nor under its domain: your credentials were not sent there`,
				{ realmHost: url.host }
			);
		}
		const auth = creds ? { origin: url.origin, value: basicHeaderValue(creds) } : undefined;
		this.tokenRequests++;
		const res = await this.upstream.request(url, {
			accept: 'application/json',
			authorization: auth,
			maxBytes: this.upstream.settings.limits.tokenBytes,
			tooLarge: 'UPSTREAM_TOO_LARGE',
			what: 'the token response',
			registry: ctx.registry,
			template: '<token realm>',
			signal: ctx.signal,
			// The realm is hostile input: a redirect from it is not followed (D3).
			followRedirects: false
		});
		if (res.status >= 300 && res.status < 400) {
			throw new RegscopeError(
				'UPSTREAM_ERROR',
				`the token service of ${ctx.registry} (${url.host}) answered with a redirect (HTTP ${res.status}); token requests do not follow redirects`
			);
		}
		if ((res.status === 401 || res.status === 403) && creds) {
			throw new RegscopeError(
				'UNAUTHORIZED',
				`registry ${ctx.registry} did not accept the credentials given for user "${untrustedName(creds.username)}" (HTTP ${res.status} from its token service ${url.host} for ${scope}): check the username and password or token`,
				{ status: res.status }
			);
		}
		if (res.status === 401 || res.status === 403) {
			throw new RegscopeError(
				'UNAUTHORIZED',
				`registry ${ctx.registry} refused an anonymous token for ${scope} (HTTP ${res.status} from ${url.host}): credentials are needed`,
				{ status: res.status }
			);
		}
		if (res.status === 429) {
			throw new RegscopeError('TOO_MANY_REQUESTS', `the token service of ${ctx.registry} is rate limiting requests (HTTP 429)`);
		}
		if (res.status !== 200) {
			throw new RegscopeError(
				'UPSTREAM_ERROR',
				`the token service of ${ctx.registry} answered HTTP ${res.status} (${redactUrl(url)})`
			);
		}
		try {
			return parseTokenResponse(res.body, this.now());
		} catch (e) {
			throw new RegscopeError(
				'UPSTREAM_ERROR',
				`the token service of ${ctx.registry} sent an unusable answer: ${(e as Error).message}`
			);
		}
	}
}

/** A username for messages: printable ASCII only, short (it is the user's own input, not a secret). */
function untrustedName(u: string): string {
	const clean = u.replace(/[^\x20-\x7e]/g, '?');
	return clean.length > 64 ? `${clean.slice(0, 63)}…` : clean;
}
