import net from 'node:net';
import { afterAll, describe, expect, test } from 'vitest';
import { decideAddress, decideHostname } from './address-policy';
import { classifyAddress, parseIPv6 } from './ip';
import { guardedLookup, type Resolver } from './lookup';
import { createUpstream } from './http';
import { parseSettings } from '../settings';

const none = parseSettings({});
const allow = parseSettings({ REGSCOPE_PRIVATE_REGISTRIES: '127.0.0.1,registry.internal:5000,[::1]' });

describe('classifyAddress', () => {
	test.each([
		['8.8.8.8', 'public'],
		['1.1.1.1', 'public'],
		['93.184.216.34', 'public'],
		['127.0.0.1', 'loopback'],
		['127.255.255.254', 'loopback'],
		['10.0.0.5', 'private'],
		['172.16.1.1', 'private'],
		['172.31.255.255', 'private'],
		['172.32.0.1', 'public'],
		['192.168.1.1', 'private'],
		['169.254.169.254', 'metadata'],
		['169.254.1.1', 'link-local'],
		['100.64.0.1', 'cgnat'],
		['100.127.255.255', 'cgnat'],
		['100.128.0.1', 'public'],
		['100.100.100.200', 'metadata'],
		['192.0.0.192', 'metadata'],
		['168.63.129.16', 'metadata'],
		['0.0.0.0', 'unspecified'],
		['0.1.2.3', 'reserved'],
		['224.0.0.1', 'multicast'],
		['239.255.255.250', 'multicast'],
		['255.255.255.255', 'broadcast'],
		['240.0.0.1', 'reserved'],
		['198.18.0.1', 'reserved'],
		['192.0.2.1', 'documentation'],
		['203.0.113.9', 'documentation'],
		['::', 'unspecified'],
		['::1', 'loopback'],
		['[::1]', 'loopback'],
		['0:0:0:0:0:0:0:1', 'loopback'],
		['::ffff:127.0.0.1', 'loopback'],
		['::ffff:7f00:1', 'loopback'],
		['[0:0:0:0:0:ffff:7f00:1]', 'loopback'],
		['::ffff:169.254.169.254', 'metadata'],
		['::ffff:10.1.2.3', 'private'],
		['::ffff:8.8.8.8', 'public'],
		['::7f00:1', 'loopback'],
		['::127.0.0.1', 'loopback'],
		['::8.8.8.8', 'reserved'],
		['64:ff9b::7f00:1', 'loopback'],
		['64:ff9b::a9fe:a9fe', 'metadata'],
		['64:ff9b::808:808', 'reserved'],
		['2002:7f00:1::1', 'loopback'],
		['2002:a9fe:a9fe::1', 'metadata'],
		['2002:0808:0808::1', 'reserved'],
		['2001::1', 'reserved'],
		['fd00:ec2::254', 'metadata'],
		['fd12:3456::1', 'unique-local'],
		['fc00::1', 'unique-local'],
		['fe80::1', 'link-local'],
		['fec0::1', 'private'],
		['ff02::1', 'multicast'],
		['2001:db8::1', 'documentation'],
		['100::1', 'reserved'],
		['2606:4700:4700::1111', 'public'],
		['2a00:1450:4001:80b::200e', 'public'],
		['2001:4860:4860::8888', 'public']
	])('%s → %s', (ip, kind) => {
		expect(classifyAddress(ip)?.kind).toBe(kind);
	});

	test('not addresses', () => {
		expect(classifyAddress('example.com')).toBeNull();
		expect(classifyAddress('2130706433')).toBeNull();
		expect(classifyAddress('0177.0.0.1')).toBeNull();
		expect(classifyAddress('1.2.3')).toBeNull();
		expect(classifyAddress('256.1.1.1')).toBeNull();
		expect(classifyAddress('fe80::1%eth0')).toBeNull();
		expect(classifyAddress('1::2::3')).toBeNull();
		expect(classifyAddress('1:2:3:4:5:6:7:8:9')).toBeNull();
	});

	test('parseIPv6 expands every spelling', () => {
		expect(parseIPv6('::ffff:127.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
		expect(parseIPv6('1::')).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
		expect(parseIPv6('1:2:3:4:5:6:1.2.3.4')).toEqual([1, 2, 3, 4, 5, 6, 0x102, 0x304]);
	});
});

describe('decideAddress', () => {
	test('only public unicast without the allowlist', () => {
		expect(decideAddress('8.8.8.8', false)).toEqual({ ok: true });
		const d = decideAddress('127.0.0.1', false);
		expect(d.ok).toBe(false);
		expect(!d.ok && d.reason).toMatch(/loopback.*REGSCOPE_PRIVATE_REGISTRIES/);
	});
	test('the allowlist opens loopback/private/ULA/CGNAT, never metadata or link-local', () => {
		for (const ip of ['127.0.0.1', '10.1.2.3', 'fd12::1', '100.64.1.1', '::1']) {
			expect(decideAddress(ip, true).ok, ip).toBe(true);
		}
		for (const ip of ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '169.254.1.1', '0.0.0.0', '224.0.0.1']) {
			expect(decideAddress(ip, true).ok, ip).toBe(false);
		}
	});
});

describe('decideHostname', () => {
	test.each([
		['localhost', false],
		['LOCALHOST.', false],
		['foo.localhost', false],
		['metadata.google.internal', false],
		['kubernetes.default.svc', false],
		['registry.local', false],
		['intranet', false],
		['2130706433', false],
		['0x7f.1', false],
		['017700000001', false],
		['0x7f000001', false],
		['127.1', false],
		['1.2.3', false],
		['ghcr.io', true],
		['registry-1.docker.io', true],
		['127.0.0.1', false],
		['[::1]', false],
		['8.8.8.8', true]
	])('%s allowed=%s', (host, ok) => {
		expect(decideHostname(host, 443, none).ok).toBe(ok);
	});
	test('numeric forms say what they read as', () => {
		const d = decideHostname('0x7f.1', 443, none);
		expect(!d.ok && d.reason).toMatch(/127\.0\.0\.1/);
	});
	test('allowlist: bare host matches every port, host:port only its port', () => {
		expect(decideHostname('127.0.0.1', 5000, allow).ok).toBe(true);
		expect(decideHostname('127.0.0.2', 5000, allow).ok).toBe(false);
		expect(decideHostname('registry.internal', 5000, allow).ok).toBe(true);
		expect(decideHostname('registry.internal', 5001, allow).ok).toBe(false);
		expect(decideHostname('::1', 1234, allow).ok).toBe(true);
		// numeric spellings stay refused even when an allowlist exists
		expect(decideHostname('2130706433', 5000, allow).ok).toBe(false);
	});
});

function fakeResolver(table: Record<string, string[]>): Resolver {
	return async (name) => {
		const answers = table[name];
		if (!answers) {
			const e: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${name}`);
			e.code = 'ENOTFOUND';
			throw e;
		}
		return answers.map((address) => ({ address, family: net.isIP(address) }));
	};
}

function lookupAll(resolver: Resolver, allowlisted: boolean, name: string) {
	return new Promise<{ err: unknown; addresses: unknown }>((resolve) => {
		guardedLookup(resolver, allowlisted)(name, { all: true }, (err, addresses) => resolve({ err, addresses }));
	});
}

describe('guardedLookup (injected resolver, no traffic)', () => {
	const resolver = fakeResolver({
		'evil.test': ['10.0.0.5'],
		'mixed.test': ['93.184.216.34', '127.0.0.1'],
		'mapped.test': ['::ffff:169.254.169.254'],
		'good.test': ['93.184.216.34', '2606:4700::1']
	});
	test('a private answer is refused', async () => {
		const r = await lookupAll(resolver, false, 'evil.test');
		expect((r.err as { code?: string }).code).toBe('BLOCKED_ADDRESS');
		// The name, never the address it resolved to nor its kind: no mapping of internal DNS.
		expect((r.err as Error).message).toMatch(/evil\.test: it resolves to an address this server does not connect to/);
		expect((r.err as Error).message).not.toMatch(/10\.0\.0\.5|private address/);
	});
	test('one bad answer among good ones refuses the name', async () => {
		expect(((await lookupAll(resolver, false, 'mixed.test')).err as { code?: string }).code).toBe('BLOCKED_ADDRESS');
	});
	test('IPv4-mapped metadata in AAAA is refused even when allowlisted', async () => {
		expect(((await lookupAll(resolver, true, 'mapped.test')).err as { code?: string }).code).toBe('BLOCKED_ADDRESS');
	});
	test('public answers pass in both callback forms', async () => {
		const r = await lookupAll(resolver, false, 'good.test');
		expect(r.err).toBeNull();
		expect(r.addresses).toHaveLength(2);
		const single = await new Promise((resolve) =>
			guardedLookup(resolver, false)('good.test', {}, (err, address, family) => resolve([err, address, family]))
		);
		expect(single).toEqual([null, '93.184.216.34', 4]);
	});
});

describe('connect-time enforcement (loopback canaries only)', () => {
	let connections = 0;
	const sockets = new Set<net.Socket>();
	const canary = net.createServer((s) => {
		connections++;
		sockets.add(s);
		s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}');
	});
	const ready = new Promise<number>((resolve) => canary.listen(0, '127.0.0.1', () => resolve((canary.address() as net.AddressInfo).port)));
	afterAll(
		() =>
			new Promise<void>((r) => {
				for (const s of sockets) s.destroy();
				canary.close(() => r());
			})
	);
	const quiet = () => undefined;

	const base = { maxBytes: 1024, tooLarge: 'UPSTREAM_TOO_LARGE' as const, what: 'test', registry: 'test', template: '/t' };

	test('a name resolving to loopback is refused before any connection', async () => {
		const port = await ready;
		const settings = parseSettings({ REGSCOPE_INSECURE_REGISTRIES: 'evil.test' });
		const up = createUpstream({ settings, resolver: fakeResolver({ 'evil.test': ['127.0.0.1'] }), log: quiet });
		await expect(up.request(new URL(`http://evil.test:${port}/x`), base)).rejects.toMatchObject({
			code: 'BLOCKED_ADDRESS'
		});
		expect(connections).toBe(0);
		await up.close();
	});

	test('an IP literal that is not allowlisted is refused (lookup is not called for literals)', async () => {
		const port = await ready;
		const settings = parseSettings({ REGSCOPE_INSECURE_REGISTRIES: '127.0.0.1' });
		const up = createUpstream({ settings, resolver: fakeResolver({}), log: quiet });
		await expect(up.request(new URL(`http://127.0.0.1:${port}/x`), base)).rejects.toMatchObject({
			code: 'BLOCKED_ADDRESS',
			message: expect.stringMatching(/127\.0\.0\.1.*loopback/)
		});
		expect(connections).toBe(0);
		await up.close();
	});

	test('an allowlisted name resolving to loopback connects', async () => {
		const port = await ready;
		const settings = parseSettings({
			REGSCOPE_INSECURE_REGISTRIES: 'registry.test',
			REGSCOPE_PRIVATE_REGISTRIES: 'registry.test'
		});
		const up = createUpstream({ settings, resolver: fakeResolver({ 'registry.test': ['127.0.0.1'] }), log: quiet });
		const res = await up.request(new URL(`http://registry.test:${port}/x`), base);
		expect(res.status).toBe(200);
		expect(connections).toBe(1);
		await up.close();
	});
});
