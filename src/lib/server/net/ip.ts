/**
 * IP literals read and classified for the address policy. Parsing and CIDR matching are ipaddr.js; the
 * project keeps its own table of what each range is, the IPv6 forms that embed an IPv4 address, and the
 * strict dotted-quad rule (no `127.1`, no octal or hex parts: spellings URL parsers read differently).
 */
import ipaddr from 'ipaddr.js';
import { normalizeHost } from '../settings';

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
	/** How this address was read, for messages: e.g. "IPv4-mapped form of 127.0.0.1". */
	note?: string;
}

const DOTTED_QUAD = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function parseIPv4(s: string): ipaddr.IPv4 | null {
	return DOTTED_QUAD.test(s) ? ipaddr.IPv4.parse(s) : null;
}

const ranges = (...cidrs: string[]) => cidrs.map((c) => ipaddr.IPv4.parseCIDR(c));

/** What each IPv4 range is. Checked in this order: the single addresses first, inside their wider ranges. */
const IPV4_TABLE: Partial<Record<AddressKind, [ipaddr.IPv4, number][]>> = {
	// AWS/GCP/Azure/OpenStack IMDS, Alibaba Cloud, Oracle Cloud, Azure wireserver
	metadata: ranges('169.254.169.254/32', '100.100.100.200/32', '192.0.0.192/32', '168.63.129.16/32'),
	unspecified: ranges('0.0.0.0/32'),
	broadcast: ranges('255.255.255.255/32'),
	private: ranges('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'),
	cgnat: ranges('100.64.0.0/10'),
	loopback: ranges('127.0.0.0/8'),
	'link-local': ranges('169.254.0.0/16'),
	documentation: ranges('192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'),
	multicast: ranges('224.0.0.0/4'),
	reserved: ranges('0.0.0.0/8', '192.0.0.0/24', '192.88.99.0/24', '198.18.0.0/15', '240.0.0.0/4')
};

function classifyIPv4(ip: ipaddr.IPv4): AddressKind {
	return ipaddr.subnetMatch(ip, IPV4_TABLE as Parameters<typeof ipaddr.subnetMatch>[1], 'public') as AddressKind;
}

/** Parses an IPv6 literal (no brackets, no zone) into eight 16-bit groups, or null. */
export function parseIPv6(input: string): number[] | null {
	let s = input.toLowerCase();
	if (s.includes('%')) return null; // zone ids never reach the network
	const colon = s.lastIndexOf(':');
	const tail = s.slice(colon + 1);
	if (tail.includes('.')) {
		// The dotted tail as two hex groups: ipaddr.js reads `::a.b.c.d` as IPv4-mapped, which it is not.
		const v4 = parseIPv4(tail);
		if (!v4) return null;
		const [a, b, c, d] = v4.octets as [number, number, number, number];
		s = `${s.slice(0, colon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
	}
	return ipaddr.IPv6.isValid(s) ? ipaddr.IPv6.parse(s).parts : null;
}

function embedded(hi: number, lo: number): ipaddr.IPv4 {
	return new ipaddr.IPv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
}

/** An embedded IPv4 address keeps its kind, except that public ones are not reachable this way. */
function viaEmbedded(ip: ipaddr.IPv4, form: string): AddressClass {
	const k = classifyIPv4(ip);
	return { kind: k === 'public' ? 'reserved' : k, note: `${form} form of ${ip.toString()}` };
}

function classifyIPv6Groups(g: number[]): AddressClass {
	const [g0, g1, g2, g3, , , g6, g7] = g as [number, number, number, number, number, number, number, number];
	const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
	if (zero(0, 8)) return { kind: 'unspecified' };
	if (zero(0, 7) && g7 === 1) return { kind: 'loopback' };
	if (zero(0, 5) && g[5] === 0xffff) {
		const ip = embedded(g6, g7);
		return { kind: classifyIPv4(ip), note: `IPv4-mapped form of ${ip.toString()}` };
	}
	if (zero(0, 6)) return viaEmbedded(embedded(g6, g7), 'IPv4-compatible');
	if (g0 === 0x64 && g1 === 0xff9b && zero(2, 6)) return viaEmbedded(embedded(g6, g7), 'NAT64');
	if (g0 === 0x2002) return viaEmbedded(embedded(g1, g2), '6to4');
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
	return { kind: 'public' };
}

/** Classifies an IP literal (dotted-quad IPv4 or IPv6, brackets allowed). null when it is not one. */
export function classifyAddress(address: string): AddressClass | null {
	const a = normalizeHost(address);
	const v4 = parseIPv4(a);
	if (v4) return { kind: classifyIPv4(v4) };
	if (!a.includes(':')) return null;
	const g = parseIPv6(a);
	return g ? classifyIPv6Groups(g) : null;
}

/** An address for matching: IPv4 (and IPv4-mapped IPv6) as IPv4, other IPv6 as IPv6. */
function parsed(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
	const a = normalizeHost(address);
	const v4 = parseIPv4(a);
	if (v4) return v4;
	const g = a.includes(':') ? parseIPv6(a) : null;
	if (!g) return null;
	const v6 = new ipaddr.IPv6(g);
	return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

/** Whether `address` lies in `cidr` (`10.1.0.0/16`, `fd00:1::/64`); IPv4-mapped addresses match IPv4 ranges. */
export function inCidr(address: string, cidr: string): boolean {
	const slash = cidr.lastIndexOf('/');
	const net = parsed(cidr.slice(0, slash));
	const ip = parsed(address);
	const len = Number(cidr.slice(slash + 1));
	if (!net || !ip || net.kind() !== ip.kind() || !Number.isInteger(len)) return false;
	if (len < 0 || len > (net.kind() === 'ipv4' ? 32 : 128)) return false;
	return ip.match(net, len);
}
