/**
 * Which hosts and addresses the server may connect to (SSRF policy).
 *
 * Classification is numeric (never string prefixes): IPv4 ranges, IPv6 ranges, and the IPv6 forms that
 * embed an IPv4 address (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16).
 * Only public unicast is allowed, except that a host on REGSCOPE_PRIVATE_REGISTRIES may reach loopback,
 * private (RFC 1918 / ULA) and CGNAT addresses. Cloud metadata, link-local, multicast, unspecified,
 * documentation and reserved addresses stay blocked even for allowlisted hosts.
 *
 * The check runs at connect time (see http.ts): IP literals are classified by the connector itself and
 * names through a `lookup` wrapper that classifies every A/AAAA answer, so the address that was checked is
 * the address the socket connects to.
 */
import { isIP } from 'node:net';
import { promises as dns } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { RegscopeError } from '$lib/oci/errors';
import { listEntry, normalizeHost, type HostEntry, type Settings } from '../settings';

export type AddressKind =
	| 'public'
	| 'loopback'
	| 'private'
	| 'cgnat'
	| 'unique-local'
	| 'link-local'
	| 'metadata'
	| 'multicast'
	| 'unspecified'
	| 'broadcast'
	| 'documentation'
	| 'reserved';

export interface AddressClass {
	kind: AddressKind;
	/** How this address was read, for messages: e.g. "IPv4-mapped IPv6 form of 127.0.0.1". */
	note?: string;
}

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

// ---------------------------------------------------------------------------------------------------------
// IPv4

function parseIPv4(s: string): number | null {
	const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
	if (!m) return null;
	let n = 0;
	for (let i = 1; i <= 4; i++) {
		const part = m[i]!;
		if (part.length > 1 && part.startsWith('0')) return null; // no octal ambiguity
		const v = Number(part);
		if (v > 255) return null;
		n = n * 256 + v;
	}
	return n;
}

function v4(a: number, b: number, c: number, d: number): number {
	return ((a * 256 + b) * 256 + c) * 256 + d;
}

/** [network, prefix length, kind], most specific first. */
const IPV4_RANGES: ReadonlyArray<readonly [number, number, AddressKind]> = [
	[v4(169, 254, 169, 254), 32, 'metadata'], // AWS/GCP/Azure/OpenStack IMDS
	[v4(100, 100, 100, 200), 32, 'metadata'], // Alibaba Cloud
	[v4(192, 0, 0, 192), 32, 'metadata'], // Oracle Cloud
	[v4(168, 63, 129, 16), 32, 'metadata'], // Azure wireserver
	[v4(0, 0, 0, 0), 32, 'unspecified'],
	[v4(255, 255, 255, 255), 32, 'broadcast'],
	[v4(0, 0, 0, 0), 8, 'reserved'],
	[v4(10, 0, 0, 0), 8, 'private'],
	[v4(100, 64, 0, 0), 10, 'cgnat'],
	[v4(127, 0, 0, 0), 8, 'loopback'],
	[v4(169, 254, 0, 0), 16, 'link-local'],
	[v4(172, 16, 0, 0), 12, 'private'],
	[v4(192, 0, 0, 0), 24, 'reserved'],
	[v4(192, 0, 2, 0), 24, 'documentation'],
	[v4(192, 88, 99, 0), 24, 'reserved'],
	[v4(192, 168, 0, 0), 16, 'private'],
	[v4(198, 18, 0, 0), 15, 'reserved'],
	[v4(198, 51, 100, 0), 24, 'documentation'],
	[v4(203, 0, 113, 0), 24, 'documentation'],
	[v4(224, 0, 0, 0), 4, 'multicast'],
	[v4(240, 0, 0, 0), 4, 'reserved']
];

function classifyIPv4Number(n: number): AddressKind {
	for (const [net, len, kind] of IPV4_RANGES) {
		const size = 2 ** (32 - len);
		if (n >= net && n < net + size) return kind;
	}
	return 'public';
}

function formatIPv4(n: number): string {
	return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

// ---------------------------------------------------------------------------------------------------------
// IPv6

/** Parses an IPv6 literal (no brackets, no zone) into eight 16-bit groups, or null. */
export function parseIPv6(input: string): number[] | null {
	let s = input.toLowerCase();
	if (s.includes('%')) return null; // zone ids never reach the network
	const lastColon = s.lastIndexOf(':');
	if (lastColon < 0) return null;
	if (s.slice(lastColon + 1).includes('.')) {
		const n = parseIPv4(s.slice(lastColon + 1));
		if (n === null) return null;
		s = `${s.slice(0, lastColon + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
	}
	const want = 8;
	const parts = s.split('::');
	if (parts.length > 2) return null;
	const head = parts[0] === '' ? [] : parts[0]!.split(':');
	const rest = parts.length === 2 ? (parts[1] === '' ? [] : parts[1]!.split(':')) : [];
	const groups: string[] = [];
	if (parts.length === 2) {
		const missing = want - head.length - rest.length;
		if (missing < 1) return null;
		groups.push(...head, ...Array<string>(missing).fill('0'), ...rest);
	} else {
		groups.push(...head);
	}
	if (groups.length !== want) return null;
	const out: number[] = [];
	for (const g of groups) {
		if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
		out.push(parseInt(g, 16));
	}
	return out;
}

function embeddedV4(hi: number, lo: number): number {
	return hi * 65536 + lo;
}

function classifyIPv6Groups(g: number[]): AddressClass {
	const [g0, g1, g2, g3, g4, g5, g6, g7] = g as [number, number, number, number, number, number, number, number];
	const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
	if (zero(0, 8)) return { kind: 'unspecified' };
	if (zero(0, 7) && g7 === 1) return { kind: 'loopback' };
	if (zero(0, 5) && g5 === 0xffff) {
		const ip = embeddedV4(g6, g7);
		return { kind: classifyIPv4Number(ip), note: `IPv4-mapped form of ${formatIPv4(ip)}` };
	}
	if (zero(0, 6)) {
		const ip = embeddedV4(g6, g7);
		const k = classifyIPv4Number(ip);
		return { kind: k === 'public' ? 'reserved' : k, note: `IPv4-compatible form of ${formatIPv4(ip)}` };
	}
	if (g0 === 0x64 && g1 === 0xff9b && zero(2, 6)) {
		const ip = embeddedV4(g6, g7);
		const k = classifyIPv4Number(ip);
		return { kind: k === 'public' ? 'reserved' : k, note: `NAT64 form of ${formatIPv4(ip)}` };
	}
	if (g0 === 0x2002) {
		const ip = embeddedV4(g1, g2);
		const k = classifyIPv4Number(ip);
		return { kind: k === 'public' ? 'reserved' : k, note: `6to4 form of ${formatIPv4(ip)}` };
	}
	if (g0 === 0xfd00 && g1 === 0x0ec2 && g2 === 0 && g3 === 0) return { kind: 'metadata' }; // AWS IMDS
	if ((g0 & 0xfe00) === 0xfc00) return { kind: 'unique-local' };
	if ((g0 & 0xffc0) === 0xfe80) return { kind: 'link-local' };
	if ((g0 & 0xffc0) === 0xfec0) return { kind: 'private', note: 'deprecated site-local' };
	if ((g0 & 0xff00) === 0xff00) return { kind: 'multicast' };
	if (g0 === 0x2001 && g1 === 0x0db8) return { kind: 'documentation' };
	if ((g0 & 0xfff0) === 0x3ff0) return { kind: 'documentation' }; // 3fff::/20
	if (g0 === 0x2001 && g1 < 0x0200) {
		return { kind: 'reserved', note: g1 === 0 ? 'Teredo' : 'IETF protocol assignment (2001::/23)' };
	}
	if ((g0 & 0xe000) !== 0x2000) return { kind: 'reserved', note: 'outside global unicast 2000::/3' };
	void g4;
	return { kind: 'public' };
}

// ---------------------------------------------------------------------------------------------------------
// Public API

/** Classifies an IP literal (dotted-quad IPv4 or IPv6, brackets allowed). null when it is not one. */
export function classifyAddress(address: string): AddressClass | null {
	const a = normalizeHost(address);
	const n4 = parseIPv4(a);
	if (n4 !== null) return { kind: classifyIPv4Number(n4) };
	if (!a.includes(':')) return null;
	const g = parseIPv6(a);
	return g ? classifyIPv6Groups(g) : null;
}

export type Decision = { ok: true } | { ok: false; reason: string };

/** An address as one number: IPv4 (and IPv4-mapped IPv6) as 32 bits, other IPv6 as 128 bits. */
function addressBits(address: string): { v: 4 | 6; n: bigint } | null {
	const a = normalizeHost(address);
	const n4 = parseIPv4(a);
	if (n4 !== null) return { v: 4, n: BigInt(n4) };
	const g = a.includes(':') ? parseIPv6(a) : null;
	if (!g) return null;
	if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return { v: 4, n: BigInt(embeddedV4(g[6]!, g[7]!)) };
	return { v: 6, n: g.reduce((acc, x) => (acc << 16n) | BigInt(x), 0n) };
}

/** Whether `address` lies in `cidr` (`10.1.0.0/16`, `fd00:1::/64`); IPv4-mapped addresses match IPv4 ranges. */
export function inCidr(address: string, cidr: string): boolean {
	const slash = cidr.lastIndexOf('/');
	const net = addressBits(cidr.slice(0, slash));
	const ip = addressBits(address);
	const len = Number(cidr.slice(slash + 1));
	if (!net || !ip || net.v !== ip.v || !Number.isInteger(len)) return false;
	const width = net.v === 4 ? 32n : 128n;
	if (BigInt(len) > width) return false;
	const shift = width - BigInt(len);
	return ip.n >> shift === net.n >> shift;
}

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
			return { ok: false, reason: `${normalizeHost(address)} is ${KIND_TEXT[c.kind]}${c.note ? ` (${c.note})` : ''}; this is never allowed` };
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

const RESOLVED_BLOCKED =
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

// ---------------------------------------------------------------------------------------------------------
// DNS

export interface ResolvedAddress {
	address: string;
	family: number;
}

/** Resolves a name to all of its addresses. Injectable so tests never touch real DNS or foreign hosts. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
	(await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => ({
		address: a.address,
		family: a.family
	}));

type LookupCallback = (
	err: NodeJS.ErrnoException | null,
	address: string | LookupAddress[],
	family?: number
) => void;

/**
 * A `net.connect` lookup that resolves with `resolver` and fails unless EVERY answer passes the policy.
 * Supports both the single-address and the `all: true` callback forms.
 */
export function guardedLookup(resolver: Resolver, allowlisted: boolean | HostEntry | undefined) {
	return (hostname: string, options: LookupOptions | number | undefined, callback: LookupCallback): void => {
		const opts: LookupOptions = typeof options === 'number' ? { family: options } : (options ?? {});
		resolver(hostname).then(
			(answers) => {
				if (answers.length === 0) {
					const e: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
					e.code = 'ENOTFOUND';
					callback(e, '');
					return;
				}
				for (const a of answers) {
					const d = decideAddress(a.address, allowlisted);
					if (!d.ok) {
						// Never the address itself, nor its kind: that would let anyone map internal DNS names.
						callback(blockedError(hostname, RESOLVED_BLOCKED) as NodeJS.ErrnoException, '');
						return;
					}
				}
				const family = opts.family === 'IPv4' ? 4 : opts.family === 'IPv6' ? 6 : opts.family;
				const usable = family === 4 || family === 6 ? answers.filter((a) => a.family === family) : answers;
				if (opts.all) {
					callback(null, usable.map((a) => ({ address: a.address, family: a.family })));
				} else if (usable[0]) {
					callback(null, usable[0].address, usable[0].family);
				} else {
					const e: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
					e.code = 'ENOTFOUND';
					callback(e, '');
				}
			},
			(err: NodeJS.ErrnoException) => callback(err, '')
		);
	};
}
