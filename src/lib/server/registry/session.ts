/**
 * One API call's conversation with one registry: where it is (https, or http for an insecure registry),
 * the URLs it may be asked for, and every request sent through the challenge flow: answer a 401's
 * challenge with this call's credentials and retry once; a redirect target that is itself a registry gets
 * its own anonymous challenge. What the answer should tell the user lands in the call's report.
 */
import { RegscopeError } from '$lib/oci/errors';
import type { Reference } from '$lib/oci/model';
import { apiHost } from '$lib/oci/reference';
import { untrustedText } from '$lib/oci/text';
import { headerAll } from '../net/headers';
import type { Upstream, UpstreamRequest, UpstreamResponse } from '../net/http';
import { hostListed, normalizeHost } from '../settings';
import type { AuthManager, TokenContext } from './auth';
import { operatorCredentials, type Credentials } from './credentials';
import { observeRateLimit, type RateLimit } from './rate-limit';
import { secretsOf } from './redact';
import { parseWwwAuthenticate, pickChallenge, type Challenge } from './www-authenticate';

/** Facts about how an API call was served, for response headers and extra JSON fields. */
export interface SourceReport {
	/** Operator credentials (REGSCOPE_AUTH_FILE) answered a challenge for this call. */
	operatorCredentials?: boolean;
	/** The last `ratelimit-limit` / `ratelimit-remaining` the registry reported (Docker Hub style). */
	rateLimit?: RateLimit;
}

export type SendOptions = Omit<UpstreamRequest, 'authorization' | 'registry' | 'signal'>;

export const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export interface Session {
	readonly registry: string;
	readonly repo: string;
	/** `https://host[:port]` (or http for an insecure registry). */
	readonly origin: string;
	readonly hostname: string;
	/** The user's own credentials for this call, if any. */
	readonly credentials?: Credentials;
	/** Strings that must never appear in a message (the credentials in use). */
	readonly secrets: readonly string[];
	/** A URL on this registry; refuses a path that would change host or path. */
	build(path: string): URL;
	send(url: URL, o: SendOptions, scope?: string): Promise<UpstreamResponse>;
}

export interface SessionOptions {
	upstream: Upstream;
	auth: AuthManager;
	signal?: AbortSignal;
	credentials?: Credentials;
	report?: SourceReport;
}

function invalidHost(registry: string): RegscopeError {
	return new RegscopeError('INVALID_REFERENCE', `registry "${untrustedText(registry, 80)}" is not a valid host`);
}

export function openSession(ref: Reference, opts: SessionOptions): Session {
	const { upstream, auth, report, signal } = opts;
	const settings = upstream.settings;
	const registry = ref.registry;
	const repo = ref.repository;
	if (!REPOSITORY.test(repo)) throw new RegscopeError('INVALID_REFERENCE', `repository "${untrustedText(repo, 80)}" is not valid`);
	const host = apiHost(ref);
	let base: URL;
	try {
		base = new URL(`https://${host}/`);
	} catch {
		throw invalidHost(registry);
	}
	if (base.host !== host.toLowerCase() || base.username || base.password || base.pathname !== '/') throw invalidHost(registry);
	const hostname = normalizeHost(base.hostname);
	if (hostListed(settings.insecureRegistries, hostname, base.port ? Number(base.port) : 80)) base = new URL(`http://${host}/`);
	const origin = base.origin;
	const scope = `repository:${repo}:pull`;
	// Operator credentials only when the user sent none; never mixed with a user's.
	const operator = opts.credentials ? undefined : operatorCredentials(settings.authFile, registry);
	const ctx: TokenContext = {
		registry,
		registryOrigin: origin,
		signal,
		credentials: opts.credentials ?? operator,
		shareCredentialTokens: operator !== undefined,
		memo: new Map()
	};

	function observe(res: UpstreamResponse): UpstreamResponse {
		const limit = observeRateLimit(res, origin);
		if (limit && report) report.rateLimit = limit;
		return res;
	}

	/** Answers a challenge with this call's credentials, noting when operator credentials were used. */
	async function answer(c: Challenge, wanted: string): Promise<string | null> {
		const value = await auth.authorization(c, wanted, ctx);
		if (value && operator && report) report.operatorCredentials = true;
		return value;
	}

	/**
	 * A redirect target that is itself a registry (registry.k8s.io → another registry) answered 401 with its
	 * own challenge: run that challenge anonymously for that host and scope, never with this registry's
	 * token or the user's credentials (they were given for this registry only), then ask the target again.
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
			signal
		});
		if (!value) return res;
		return observe(
			await upstream.request(target, {
				...o,
				template: `${o.template} (redirect target)`,
				registry,
				signal,
				authorization: { origin: target.origin, value }
			})
		);
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

	async function sendOnce(url: URL, o: SendOptions, release: (() => void) | null, wanted: string): Promise<UpstreamResponse> {
		let authorization = await authorizationFromCache(wanted);
		const request = (value: string | null) =>
			upstream.request(url, { ...o, registry, signal, authorization: value ? { origin, value } : undefined });
		let res = observe(await request(authorization));
		if (res.status !== 401) return res;
		if (res.url.origin !== origin) return foreignChallenge(res, o);
		const challenge = pickChallenge(parseWwwAuthenticate(headerAll(res.headers, 'www-authenticate')));
		if (!challenge) return res;
		const known = auth.knownChallenge(origin);
		if (known && authorization) {
			auth.forgetFor(known, wanted, ctx.shareCredentialTokens ? ctx.credentials : undefined);
			ctx.memo?.clear();
		}
		auth.rememberChallenge(origin, challenge);
		release?.();
		authorization = await answer(challenge, wanted);
		if (!authorization) return res;
		res = observe(await request(authorization));
		if (res.status !== 401 || res.url.origin === origin) return res;
		return foreignChallenge(res, o);
	}

	return {
		registry,
		repo,
		origin,
		hostname: base.hostname,
		credentials: opts.credentials,
		secrets: secretsOf(ctx.credentials),
		build(path: string): URL {
			const url = new URL(path, base);
			if (url.origin !== origin || url.pathname !== path.split('?')[0]) {
				throw new RegscopeError('INVALID_REQUEST', 'refusing to build a registry URL that changes host or path');
			}
			return url;
		},
		async send(url: URL, o: SendOptions, wanted = scope): Promise<UpstreamResponse> {
			const release = await auth.firstContact(origin);
			try {
				return await sendOnce(url, o, release, wanted);
			} finally {
				release?.();
			}
		}
	};
}
