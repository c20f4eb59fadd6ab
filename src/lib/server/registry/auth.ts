/**
 * Registry authentication state, shared by every call: the challenge each registry origin sent last (so
 * later requests skip the 401 round trip), first contact with an origin, and Bearer tokens (cached per
 * realm, service and scope until shortly before expiry); Basic for caller-supplied credentials.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { RegscopeError } from '$lib/oci/errors';
import { untrustedText } from '$lib/oci/text';
import { basicHeaderValue, isBasic, isBearer, type Credentials } from './credentials';
import { getUpstream, type Upstream } from '../net/http';
import { redactUrl } from '../net/headers';
import { countingUpstream } from '../net/upstream-count';
import { realmMayReceiveCredentials, realmUrl } from './realm';
import { parseTokenResponse, type TokenResponse } from './token';
import type { Challenge } from './www-authenticate';

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
	memo?: Map<string, TokenResponse>;
}

function credentialsKey(c: Credentials): string {
	const material = isBasic(c) ? `basic\n${c.username}\n${c.password}` : `bearer\n${c.token}`;
	return createHash('sha256').update(material, 'utf8').digest('hex');
}

export class AuthManager {
	private readonly tokens = new LRUCache<string, TokenResponse>({ max: 1000 });
	private readonly inflight = new Map<string, Promise<TokenResponse>>();
	/** Last challenge seen per registry origin, so later requests skip the 401 round trip. */
	private readonly challenges = new LRUCache<string, Challenge>({ max: 1000 });

	constructor(
		private readonly upstream: Upstream,
		private readonly now: () => number = Date.now
	) {}

	/** Origins whose first request has been answered, and the first requests still out. */
	private readonly contacted = new LRUCache<string, true>({ max: 1000 });
	private readonly firstContacts = new Map<string, Promise<void>>();

	/**
	 * First contact with a registry origin: while its first request is out (and no challenge is known yet),
	 * concurrent requests to that origin wait for its answer, so they reuse the challenge (and the one token)
	 * it leads to instead of each collecting their own 401. Returns the release for the first request (call
	 * it once its challenge is known or it is done), null for every other.
	 */
	async firstContact(origin: string): Promise<(() => void) | null> {
		if (this.contacted.has(origin) || this.challenges.has(origin)) return null;
		const inFlight = this.firstContacts.get(origin);
		if (inFlight) {
			await inFlight;
			return null;
		}
		let release!: () => void;
		this.firstContacts.set(origin, new Promise<void>((resolve) => (release = resolve)));
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.contacted.set(origin, true);
			this.firstContacts.delete(origin);
			release();
		};
	}

	rememberChallenge(origin: string, c: Challenge): void {
		this.challenges.set(origin, c);
	}

	knownChallenge(origin: string): Challenge | undefined {
		return this.challenges.get(origin);
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

	private async fetchToken(c: Challenge, scope: string, ctx: TokenContext): Promise<TokenResponse> {
		const url = realmUrl(c, scope, ctx.registry, this.upstream.settings);
		const creds = isBasic(ctx.credentials) ? ctx.credentials : undefined;
		// Credentials go only to the registry's own host or a host of its registrable domain.
		if (creds && !realmMayReceiveCredentials(url, ctx.registryOrigin)) {
			throw new RegscopeError(
				'UNAUTHORIZED',
				`registry ${ctx.registry} sends its token requests to ${url.host}, which is neither the registry's host nor under its domain: your credentials were not sent there`,
				{ realmHost: url.host }
			);
		}
		const auth = creds ? { origin: url.origin, value: basicHeaderValue(creds) } : undefined;
		const res = await this.upstream.request(url, {
			accept: 'application/json',
			authorization: auth,
			maxBytes: this.upstream.settings.limits.tokenBytes,
			tooLarge: 'UPSTREAM_TOO_LARGE',
			what: 'the token response',
			registry: ctx.registry,
			template: '<token realm>',
			signal: ctx.signal,
			// The realm is hostile input: a redirect from it is not followed.
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
				`registry ${ctx.registry} did not accept the credentials given for user "${untrustedText(creds.username, 64)}" (HTTP ${res.status} from its token service ${url.host} for ${scope}): check the username and password or token`,
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
			throw new RegscopeError('UPSTREAM_ERROR', `the token service of ${ctx.registry} answered HTTP ${res.status} (${redactUrl(url)})`);
		}
		try {
			return parseTokenResponse(res.body, this.now());
		} catch (e) {
			throw new RegscopeError('UPSTREAM_ERROR', `the token service of ${ctx.registry} sent an unusable answer: ${(e as Error).message}`);
		}
	}
}

let shared: AuthManager | undefined;

/** The process-wide manager (its tokens and challenges serve every call of anonymous or operator users). */
export function getAuthManager(): AuthManager {
	shared ??= new AuthManager(countingUpstream(getUpstream()));
	return shared;
}
