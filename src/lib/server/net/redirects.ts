/**
 * Which URLs a request may go to, first and after each redirect: the scheme, userinfo and name rules
 * before any connection (the connector checks addresses), and where a cross-origin redirect may lead.
 */
import { RegscopeError } from '$lib/oci/errors';
import { blockedError, decideHostname, decidePort } from './address-policy';
import { redactUrl } from './headers';
import { hostListed, listEntry, normalizeHost, urlPort, type Settings } from '../settings';

export const REDIRECTS = new Set([301, 302, 303, 307, 308]);

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
			throw new RegscopeError('BLOCKED_ADDRESS', `refusing a redirect from https to plain http (${redactUrl(previous)} → ${url.host})`, {
				host: url.host
			});
		}
		if (!hostListed(settings.insecureRegistries, host, urlPort(url))) {
			throw new RegscopeError('BLOCKED_ADDRESS', `refusing plain http to ${url.host}: it is not in REGSCOPE_INSECURE_REGISTRIES`, {
				host: url.host
			});
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
		throw new RegscopeError('BLOCKED_ADDRESS', `refusing a redirect from ${from.host} to another port of the same host (${to.host})`, {
			host: to.host
		});
	}
	if (
		listEntry(settings.privateRegistries, host, port) &&
		!listEntry(settings.privateRegistries, normalizeHost(from.hostname), urlPort(from))
	) {
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
