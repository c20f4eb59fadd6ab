/**
 * The SSRF table, run through the real upstream client (checkTarget + the guarded connector) with an
 * injected resolver. Nothing here opens a socket to anything but 127.0.0.1: the inner connector is a
 * recorder for every other address (it says which address a socket WOULD have been opened to, then fails),
 * so a broken guard shows up as a recorded address, never as traffic.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildConnector } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RegscopeError } from '$lib/oci/errors';
import type { Resolver } from './lookup';
import { createUpstream, type Upstream } from './http';
import { parseSettings, type Settings } from '../settings';

const FAKE_DNS: Record<string, string[]> = {
	'evil.test': ['10.0.0.5'],
	'mixed.test': ['93.184.216.34', '127.0.0.1'],
	'mapped.test': ['::ffff:169.254.169.254'],
	'v6private.test': ['fd12:3456::1'],
	'cgnat.test': ['100.64.1.1'],
	'linklocal.test': ['fe80::1'],
	'public.test': ['93.184.216.34'],
	'ghcr.test': ['140.82.112.33'],
	'registry.corp': ['10.1.2.3'],
	'moved.corp': ['10.9.9.9'],
	'meta.corp': ['169.254.169.254'],
	'metadata.google.internal': ['169.254.169.254'],
	localhost: ['127.0.0.1'],
	'kubernetes.default.svc': ['10.96.0.1'],
	'registry.local': ['192.168.1.10']
};

let rebindCalls = 0;
const resolver: Resolver = async (name) => {
	if (name === 'rebind.test') {
		rebindCalls++;
		return [{ address: rebindCalls === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
	}
	const list = FAKE_DNS[name.toLowerCase().replace(/\.$/, '')];
	if (!list) {
		const e: NodeJS.ErrnoException = new Error(`ENOTFOUND ${name}`);
		e.code = 'ENOTFOUND';
		throw e;
	}
	return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

/** Addresses a socket would have been opened to (never opened unless 127.0.0.1). */
const wouldConnect: string[] = [];

/** The inner connector: real for 127.0.0.1 (our own test server), a recorder for everything else. */
function recordingBuild(opts: buildConnector.BuildOptions): buildConnector.connector {
	const real = buildConnector(opts);
	const lookup = (opts as { lookup?: unknown }).lookup as (
		h: string,
		o: { all: boolean },
		cb: (e: Error | null, a: { address: string }[] | string) => void
	) => void;
	return (o, callback) => {
		const host = o.hostname.replace(/^\[|\]$/g, '');
		const record = (addresses: string[]) => {
			if (addresses.length === 1 && addresses[0] === '127.0.0.1') return real(o, callback);
			wouldConnect.push(...addresses);
			callback(new Error(`recorder: would connect to ${addresses.join(',')}`), null);
		};
		if (/^[\d.]+$/.test(host) || host.includes(':')) return record([host]);
		lookup(host, { all: true }, (err, addrs) => {
			if (err) return callback(err, null);
			record(Array.isArray(addrs) ? addrs.map((a) => a.address) : [addrs]);
		});
	};
}

let server: http.Server;
let port = 0;
const upstreams: Upstream[] = [];

function upstream(settings: Settings): Upstream {
	const u = createUpstream({ settings, resolver, buildConnector: recordingBuild, log: () => undefined });
	upstreams.push(u);
	return u;
}

beforeAll(async () => {
	server = http.createServer((req, res) => {
		const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
		if (to) {
			res.writeHead(307, { location: to, 'content-length': '0' });
			return res.end();
		}
		res.end('ok');
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
	await Promise.all(upstreams.map((u) => u.close()));
	server.closeAllConnections();
	await new Promise<void>((r) => server.close(() => r()));
});

const none = parseSettings({});

async function outcome(up: Upstream, url: string): Promise<string> {
	try {
		const r = await up.request(new URL(url), {
			maxBytes: 1024,
			tooLarge: 'UPSTREAM_TOO_LARGE',
			what: 'x',
			registry: 'test',
			template: '/x'
		});
		return `HTTP ${r.status}`;
	} catch (e) {
		return e instanceof RegscopeError ? e.code : `other: ${(e as Error).message}`;
	}
}

describe('SSRF table: every target → BLOCKED_ADDRESS, no connection attempted', () => {
	const targets: [string, string][] = [
		['loopback literal', 'https://127.0.0.1/v2/'],
		['localhost', 'https://localhost/v2/'],
		['LOCALHOST. (trailing dot)', 'https://LOCALHOST./v2/'],
		['IPv6 loopback', 'https://[::1]/v2/'],
		['hex integer', 'https://0x7f000001/v2/'],
		['decimal integer', 'https://2130706433/v2/'],
		['octal integer', 'https://017700000001/v2/'],
		['octal dotted', 'https://0177.0.0.1/v2/'],
		['short form', 'https://127.1/v2/'],
		['full-width digits', 'https://１２７.0.0.1/v2/'],
		['AWS/GCP/Azure IMDS', 'https://169.254.169.254/latest/meta-data/'],
		['GCP metadata name', 'https://metadata.google.internal/computeMetadata/v1/'],
		['AWS IMDS over IPv6', 'https://[fd00:ec2::254]/latest/'],
		['Alibaba metadata (CGNAT)', 'https://100.100.100.200/latest/'],
		['Oracle metadata', 'https://192.0.0.192/opc/v2/'],
		['Azure wireserver', 'https://168.63.129.16/machine'],
		['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/v2/'],
		['IPv4-mapped, long form', 'https://[0:0:0:0:0:ffff:7f00:1]/v2/'],
		['IPv4-compatible loopback', 'https://[::7f00:1]/v2/'],
		['NAT64 of IMDS', 'https://[64:ff9b::a9fe:a9fe]/v2/'],
		['6to4 of IMDS', 'https://[2002:a9fe:a9fe::1]/v2/'],
		['link-local IPv6', 'https://[fe80::1]/v2/'],
		['unique-local IPv6', 'https://[fd12:3456::1]/v2/'],
		['RFC 1918 10/8', 'https://10.0.0.5/v2/'],
		['RFC 1918 172.16/12', 'https://172.16.1.1/v2/'],
		['RFC 1918 192.168/16', 'https://192.168.1.1/v2/'],
		['CGNAT', 'https://100.64.0.1/v2/'],
		['benchmarking 198.18/15', 'https://198.18.0.1/v2/'],
		['unspecified', 'https://0.0.0.0/v2/'],
		['name → 10.0.0.5', 'https://evil.test/v2/'],
		['name → [public, loopback]', 'https://mixed.test/v2/'],
		['name → AAAA ::ffff:169.254.169.254', 'https://mapped.test/v2/'],
		['name → ULA', 'https://v6private.test/v2/'],
		['name → CGNAT', 'https://cgnat.test/v2/'],
		['name → link-local IPv6', 'https://linklocal.test/v2/'],
		['*.svc name', 'https://kubernetes.default.svc/v2/'],
		['*.local name', 'https://registry.local/v2/'],
		['single-label name', 'https://registry/v2/'],
		['public host on port 25', 'https://ghcr.test:25/v2/'],
		['public host on port 6379', 'https://ghcr.test:6379/v2/'],
		['plain http to a public host', 'http://public.test/v2/']
	];

	test.each(targets)('%s (%s)', async (_name, url) => {
		const before = wouldConnect.length;
		expect(await outcome(upstream(none), url)).toBe('BLOCKED_ADDRESS');
		expect(wouldConnect.slice(before)).toEqual([]);
	});

	test('at least 30 targets', () => {
		expect(targets.length).toBeGreaterThanOrEqual(30);
	});

	test.each([
		['to a private literal', 'https://10.0.0.5/x'],
		['to the metadata address over http', 'http://169.254.169.254/latest/meta-data/'],
		['to a name resolving to a private address', 'https://evil.test/x'],
		['protocol-relative to a private name', '//evil.test/x'],
		['to IPv4-mapped loopback on another port', 'https://[::ffff:127.0.0.1]:1/x']
	])('a redirect %s from an allowlisted registry → BLOCKED_ADDRESS', async (_n, to) => {
		const allow = parseSettings({
			REGSCOPE_INSECURE_REGISTRIES: `127.0.0.1:${port}`,
			REGSCOPE_PRIVATE_REGISTRIES: `127.0.0.1:${port}`
		});
		const before = wouldConnect.length;
		const url = `http://127.0.0.1:${port}/v2/x?to=${encodeURIComponent(to)}`;
		expect(await outcome(upstream(allow), url)).toBe('BLOCKED_ADDRESS');
		expect(wouldConnect.slice(before)).toEqual([]);
	});

	test('DNS rebinding: only the addresses checked in that lookup are used', async () => {
		const up = upstream(none);
		const before = wouldConnect.length;
		// First lookup answers public: the recorder notes it (a real connector would connect to that one).
		expect(await outcome(up, 'https://rebind.test/v2/')).toBe('UPSTREAM_ERROR');
		expect(wouldConnect.slice(before)).toEqual(['93.184.216.34']);
		// Second lookup answers loopback: blocked, nothing recorded.
		expect(await outcome(up, 'https://rebind.test/v2/?again')).toBe('BLOCKED_ADDRESS');
		expect(wouldConnect.slice(before)).toEqual(['93.184.216.34']);
	});
});

describe('allowlist', () => {
	test('metadata stays blocked for allowlisted hosts (by name and as a literal)', async () => {
		const s = parseSettings({ REGSCOPE_PRIVATE_REGISTRIES: 'meta.corp,169.254.169.254,metadata.google.internal,[fd00:ec2::254]' });
		for (const url of [
			'https://meta.corp/v2/',
			'https://169.254.169.254/v2/',
			'https://metadata.google.internal/v2/',
			'https://[fd00:ec2::254]/v2/'
		]) {
			const before = wouldConnect.length;
			expect(await outcome(upstream(s), url), url).toBe('BLOCKED_ADDRESS');
			expect(wouldConnect.slice(before)).toEqual([]);
		}
	});

	test('a pinned entry: the name AND the CIDR must match', async () => {
		const s = parseSettings({ REGSCOPE_PRIVATE_REGISTRIES: 'registry.corp:5000=10.1.0.0/16,moved.corp:5000=10.1.0.0/16' });
		const up = upstream(s);
		const before = wouldConnect.length;
		expect(await outcome(up, 'https://moved.corp:5000/v2/')).toBe('BLOCKED_ADDRESS');
		expect(wouldConnect.slice(before)).toEqual([]);
		// In range: allowed (the recorder notes the address instead of connecting).
		expect(await outcome(up, 'https://registry.corp:5000/v2/')).toBe('UPSTREAM_ERROR');
		expect(wouldConnect.slice(before)).toEqual(['10.1.2.3']);
		// The entry is for port 5000 only: other ports of that host are neither private nor allowed.
		expect(await outcome(up, 'https://registry.corp:5001/v2/')).toBe('BLOCKED_ADDRESS');
	});

	test('control: a public name on 443 is allowed', async () => {
		const before = wouldConnect.length;
		expect(await outcome(upstream(none), 'https://public.test/v2/')).toBe('UPSTREAM_ERROR');
		expect(wouldConnect.slice(before)).toEqual(['93.184.216.34']);
	});
});
