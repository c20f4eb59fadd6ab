/**
 * Registry authentication: `WWW-Authenticate` parsing, anonymous Bearer tokens (cached per realm, service
 * and scope until shortly before expiry), and Basic for caller-supplied credentials.
 *
 * The realm is registry-controlled: it must be https (http only for REGSCOPE_INSECURE_REGISTRIES hosts),
 * carry no userinfo, and pass the same address policy as every other request (http.ts checks it).
 */
import { LRUCache } from 'lru-cache';
import { RegscopeError } from '$lib/oci/errors';
import { redactUrl, type Upstream } from './http';
import { hostListed, normalizeHost, urlPort } from './settings';

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

export interface Credentials {
	username: string;
	password: string;
}

export interface TokenContext {
	registry: string;
	/** Origin of the registry (scheme://host:port), for realm scheme rules and Basic. */
	registryOrigin: string;
	signal?: AbortSignal;
	credentials?: Credentials;
}

interface CachedToken {
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

function basicValue(c: Credentials): string {
	return `Basic ${Buffer.from(`${c.username}:${c.password}`, 'utf8').toString('base64')}`;
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

	private key(c: Challenge, scope: string): string {
		return [c.params.realm ?? '', c.params.service ?? '', scope, 'anon'].join('\n');
	}

	/**
	 * The Authorization value answering `c` for `scope`, or null when it cannot be answered (Basic without
	 * credentials, unknown scheme). Anonymous tokens only are cached; credentialed ones never are.
	 */
	async authorization(c: Challenge, scope: string, ctx: TokenContext): Promise<string | null> {
		if (c.scheme === 'basic') return ctx.credentials ? basicValue(ctx.credentials) : null;
		if (c.scheme !== 'bearer' || !c.params.realm) return null;
		if (ctx.credentials) return `Bearer ${(await this.fetchToken(c, scope, ctx)).token}`;
		const key = this.key(c, scope);
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

	private realmUrl(c: Challenge, scope: string, ctx: TokenContext): URL {
		let url: URL;
		try {
			url = new URL(c.params.realm ?? '');
		} catch {
			throw new RegscopeError('UPSTREAM_ERROR', `registry ${ctx.registry} sent an invalid token realm`);
		}
		if (url.username || url.password) {
			throw new RegscopeError('UPSTREAM_ERROR', `registry ${ctx.registry} sent a token realm with credentials in it`);
		}
		const settings = this.upstream.settings;
		const insecureOk =
			url.protocol === 'http:' && hostListed(settings.insecureRegistries, normalizeHost(url.hostname), urlPort(url));
		if (url.protocol !== 'https:' && !insecureOk) {
			throw new RegscopeError(
				'UPSTREAM_ERROR',
				`registry ${ctx.registry} sent a token realm that is not https (${url.protocol}//${url.host})`
			);
		}
		url.hash = '';
		if (c.params.service) url.searchParams.set('service', c.params.service);
		url.searchParams.append('scope', scope);
		return url;
	}

	private async fetchToken(c: Challenge, scope: string, ctx: TokenContext): Promise<CachedToken> {
		const url = this.realmUrl(c, scope, ctx);
		// Credentials go to the realm only when it is the registry's own origin.
		const auth =
			ctx.credentials && url.origin === ctx.registryOrigin
				? { origin: url.origin, value: basicValue(ctx.credentials) }
				: undefined;
		this.tokenRequests++;
		const res = await this.upstream.request(url, {
			accept: 'application/json',
			authorization: auth,
			maxBytes: this.upstream.settings.limits.tokenBytes,
			tooLarge: 'UPSTREAM_ERROR',
			what: 'the token response',
			registry: ctx.registry,
			template: '<token realm>',
			signal: ctx.signal
		});
		if (res.status === 401 || res.status === 403) {
			throw new RegscopeError(
				'UNAUTHORIZED',
				`registry ${ctx.registry} refused an anonymous token for ${scope} (HTTP ${res.status} from ${url.host}): credentials are needed`
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
