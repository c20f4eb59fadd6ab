/**
 * Where a registry may send regscope for a token: the realm URL a challenge names is registry-controlled,
 * so it passes the same address and port policy as the registry, must be https (http only for an insecure
 * registry's own hosts), and a user's password goes only to the registry's own registrable domain.
 */
import { isIP } from 'node:net';
import { getDomain } from 'tldts';
import { RegscopeError } from '$lib/oci/errors';
import { blockedError, decideHostname, decidePort } from '../net/address-policy';
import { hostListed, normalizeHost, urlPort, type Settings } from '../settings';
import type { Challenge } from './www-authenticate';

/**
 * Multi-tenant suffixes the Public Suffix List does not list, where each subdomain has its own owner
 * (registry tenants, cloud endpoints, wildcard-DNS services): one more label is part of the domain.
 */
const SHARED_SUFFIXES = [
	'azurecr.io',
	'amazonaws.com',
	'pkg.dev',
	'run.app',
	'core.windows.net',
	'cloudapp.azure.com',
	'digitaloceanspaces.com',
	'nip.io',
	'sslip.io',
	'glitch.me'
];

/** The registrable domain of a host by the Public Suffix List (private section too); IP literals are their own. */
export function registrableDomain(hostname: string): string {
	const h = normalizeHost(hostname);
	if (isIP(h) || !h.includes('.')) return h;
	const shared = SHARED_SUFFIXES.find((s) => h.endsWith(`.${s}`));
	if (shared)
		return `${h
			.slice(0, -shared.length - 1)
			.split('.')
			.pop()}.${shared}`;
	return getDomain(h, { allowPrivateDomains: true }) ?? h;
}

/**
 * Whether a user's Basic credentials may be sent to this realm: the registry's own host (any port), or a
 * host under the same registrable domain; never to plain http unless the registry itself is plain http.
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

/** The token request URL for a challenge and scope, or BLOCKED_ADDRESS naming why the realm is refused. */
export function realmUrl(c: Challenge, scope: string, registry: string, settings: Settings): URL {
	let url: URL;
	try {
		url = new URL(c.params.realm ?? '');
	} catch {
		throw new RegscopeError('UPSTREAM_ERROR', `registry ${registry} sent an invalid token realm`);
	}
	if (url.username || url.password) {
		throw new RegscopeError('BLOCKED_ADDRESS', `registry ${registry} sent a token realm with credentials in it`, { host: url.host });
	}
	if (url.protocol === 'https:' || url.protocol === 'http:') {
		const d = decideHostname(url.hostname, urlPort(url), settings);
		if (!d.ok) throw blockedError(url.host, `${d.reason} (the token realm of ${registry})`);
		const p = decidePort(url.hostname, urlPort(url), settings);
		if (!p.ok) throw blockedError(url.host, `${p.reason} (the token realm of ${registry})`);
	}
	const insecureOk = url.protocol === 'http:' && hostListed(settings.insecureRegistries, normalizeHost(url.hostname), urlPort(url));
	if (url.protocol !== 'https:' && !insecureOk) {
		throw new RegscopeError(
			'BLOCKED_ADDRESS',
			`registry ${registry} sent a token realm that is not https (${url.protocol.slice(0, 20)}//${url.host})`,
			{ host: url.host }
		);
	}
	url.hash = '';
	if (c.params.service) url.searchParams.set('service', c.params.service);
	url.searchParams.append('scope', scope);
	return url;
}
