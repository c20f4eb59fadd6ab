/**
 * Which hosts and addresses the server may connect to (SSRF policy), over the classification in ip.ts.
 *
 * Only public unicast is allowed, except that a host on REGSCOPE_PRIVATE_REGISTRIES may reach loopback,
 * private (RFC 1918 / ULA) and CGNAT addresses. Cloud metadata, link-local, multicast, unspecified,
 * documentation and reserved addresses stay blocked even for allowlisted hosts.
 *
 * The check runs at connect time (connector.ts, lookup.ts), so the address that was checked is the
 * address the socket connects to.
 */
import { isIP } from 'node:net';
import { RegscopeError } from '$lib/oci/errors';
import { classifyAddress, inCidr, type AddressKind } from './ip';
import { listEntry, normalizeHost, type HostEntry, type Settings } from '../settings';

/** Kinds an allowlisted (REGSCOPE_PRIVATE_REGISTRIES) host may connect to. */
const ALLOWLIST_OVERRIDES: ReadonlySet<AddressKind> = new Set(['loopback', 'private', 'cgnat', 'unique-local']);

const KIND_TEXT: Record<AddressKind, string> = {
	public: 'a public address',
	loopback: 'a loopback address',
	private: 'a private (RFC 1918 / site-local) address',
	cgnat: 'a carrier-grade NAT (100.64.0.0/10) address',
	'unique-local': 'a unique-local IPv6 (fc00::/7) address',
	'link-local': 'a link-local address',
	metadata: 'a cloud metadata service address',
	multicast: 'a multicast address',
	unspecified: 'the unspecified address',
	broadcast: 'the broadcast address',
	documentation: 'a documentation-only address',
	reserved: 'a reserved, non-routable address'
};

export type Decision = { ok: true } | { ok: false; reason: string };

/**
 * Whether a connection to this IP may be made. `allow` = the host's REGSCOPE_PRIVATE_REGISTRIES entry
 * (or `true` for an unpinned one): loopback/private/CGNAT/ULA become reachable, and when the entry pins
 * CIDRs the address must also lie in one of them. Metadata, link-local etc. are never reachable.
 */
export function decideAddress(address: string, allow: boolean | HostEntry | undefined): Decision {
	const c = classifyAddress(address);
	if (!c) return { ok: false, reason: `${address} is not a valid IP address` };
	const entry = typeof allow === 'object' ? allow : undefined;
	const allowlisted = allow === true || entry !== undefined;
	if (entry?.cidrs) {
		if (c.kind !== 'public' && !ALLOWLIST_OVERRIDES.has(c.kind)) {
			return {
				ok: false,
				reason: `${normalizeHost(address)} is ${KIND_TEXT[c.kind]}${c.note ? ` (${c.note})` : ''}; this is never allowed`
			};
		}
		if (!entry.cidrs.some((r) => inCidr(address, r))) {
			return {
				ok: false,
				reason: `${normalizeHost(address)} is outside the ranges REGSCOPE_PRIVATE_REGISTRIES allows for ${entry.host} (${entry.cidrs.join(', ')})`
			};
		}
		return { ok: true };
	}
	if (c.kind === 'public') return { ok: true };
	if (allowlisted && ALLOWLIST_OVERRIDES.has(c.kind)) return { ok: true };
	const what = `${normalizeHost(address)} is ${KIND_TEXT[c.kind]}${c.note ? ` (${c.note})` : ''}`;
	const hint = ALLOWLIST_OVERRIDES.has(c.kind)
		? '; add the registry to REGSCOPE_PRIVATE_REGISTRIES to allow it'
		: '; this is never allowed';
	return { ok: false, reason: what + hint };
}

const BLOCKED_SUFFIXES = ['.localhost', '.local', '.internal', '.svc', '.lan', '.home.arpa'];

/**
 * Name rules (defence in depth; the address rule is what enforces the policy). Also refuses numeric host
 * spellings that URL parsers read as IPv4 (`2130706433`, `0x7f.1`, `017700000001`, `127.1`).
 */
export function decideHostname(hostname: string, port: number, settings: Settings): Decision {
	const host = normalizeHost(hostname);
	const entry = listEntry(settings.privateRegistries, host, port);
	const allowlisted = entry !== undefined;
	if (isIP(host)) return decideAddress(host, entry);
	if (host.includes(':')) return { ok: false, reason: `${hostname} is not a valid host name` };
	if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host)) {
		return { ok: false, reason: `${hostname} is not a valid host name` };
	}
	const lastLabel = host.slice(host.lastIndexOf('.') + 1);
	if (/^(0x[0-9a-f]*|[0-9]+)$/.test(lastLabel)) {
		let reading = '';
		try {
			reading = new URL(`http://${host}/`).hostname;
		} catch {
			/* not a number either */
		}
		return {
			ok: false,
			reason: `${hostname} is a numeric host that is not a dotted-quad IP address${reading ? ` (it reads as ${reading})` : ''}`
		};
	}
	if (allowlisted) return { ok: true };
	if (host === 'localhost' || BLOCKED_SUFFIXES.some((s) => host.endsWith(s))) {
		return {
			ok: false,
			reason: `${hostname} is a local or internal name; add the registry to REGSCOPE_PRIVATE_REGISTRIES to allow it`
		};
	}
	if (!host.includes('.')) {
		return {
			ok: false,
			reason: `${hostname} is a single-label (intranet) name; add the registry to REGSCOPE_PRIVATE_REGISTRIES to allow it`
		};
	}
	return { ok: true };
}

export const RESOLVED_BLOCKED =
	'it resolves to an address this server does not connect to (only public addresses, and those REGSCOPE_PRIVATE_REGISTRIES allows for a listed registry)';

export function blockedError(host: string, reason: string): RegscopeError {
	return new RegscopeError('BLOCKED_ADDRESS', `refusing to connect to ${host}: ${reason}`, { host });
}

/** The port rule (security.md A5): 443, 5000, 8443 (REGSCOPE_ALLOWED_PORTS), any port for allowlisted hosts. */
export function decidePort(hostname: string, port: number, settings: Settings): Decision {
	const h = normalizeHost(hostname);
	if (settings.allowedPorts.includes(port)) return { ok: true };
	if (listEntry(settings.privateRegistries, h, port) || listEntry(settings.insecureRegistries, h, port)) {
		return { ok: true };
	}
	return {
		ok: false,
		reason: `port ${port} is not allowed (only ${settings.allowedPorts.join(', ')}, unless the registry is listed in REGSCOPE_PRIVATE_REGISTRIES or REGSCOPE_INSECURE_REGISTRIES)`
	};
}
