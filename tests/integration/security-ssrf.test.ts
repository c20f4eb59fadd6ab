/**
 * Live SSRF checks against real canaries on loopback addresses that are NOT allowlisted (127.0.0.2–9):
 * an app with no allowlist at all for direct targets, and an app that allowlists only the bad registry's
 * exact port for redirects and token realms. Every target gets BLOCKED_ADDRESS and no canary ever sees a
 * connection. (Non-loopback ranges are covered without traffic in src/lib/server/ssrf.spec.ts.)
 * Plus the proxy endpoints' request rules: custom header, cross-site, methods.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startBadRegistry, startCanary, type BadRegistry, type Canary } from '../support/bad-registry';
import { useApp } from '../support/extra-app';

const canaries: Canary[] = [];
let bad: BadRegistry;

const c = (i: number) => canaries[i - 2]!;

beforeAll(async () => {
	for (let i = 2; i <= 9; i++) canaries.push(await startCanary(`127.0.0.${i}`));
	bad = await startBadRegistry({ canary: c(5).host });
});

afterAll(async () => {
	await bad?.close();
	await Promise.all(canaries.map((x) => x.close()));
});

const bare = useApp({ REGSCOPE_INSECURE_REGISTRIES: '', REGSCOPE_PRIVATE_REGISTRIES: '' });
const pinned = useApp(() => {
	const port = bad.host.split(':')[1];
	return { REGSCOPE_INSECURE_REGISTRIES: `127.0.0.1:${port}`, REGSCOPE_PRIVATE_REGISTRIES: `127.0.0.1:${port}=127.0.0.1/32` };
});

function totalConnections(): number {
	return canaries.reduce((n, x) => n + x.connections(), 0);
}

async function code(base: string, ref: string, proxy = false): Promise<string> {
	const res = proxy
		? await fetch(`${base}/api/registry/manifest?${new URLSearchParams({ ref, target: 'v1' })}`, {
				headers: { 'X-Registry-Proxy': '1' }
			})
		: await fetch(`${base}/api/inspect?${new URLSearchParams({ ref: `${ref}:v1` })}`);
	const body = (await res.json()) as { error?: { code: string } };
	return body.error?.code ?? `HTTP ${res.status}`;
}

describe('live SSRF targets (app without any allowlist)', () => {
	const direct: [string, () => string][] = [
		['127.0.0.2 literal', () => `${c(2).host}/x/y`],
		['127.0.0.3 literal', () => `${c(3).host}/x/y`],
		['127.0.0.4 literal', () => `${c(4).host}/x/y`],
		['localhost name', () => `localhost:${c(2).port}/x/y`],
		['IPv6 loopback', () => `[::1]:${c(2).port}/x/y`],
		['IPv4-mapped 127.0.0.6', () => `[::ffff:7f00:6]:${c(6).port}/x/y`],
		['IPv4-compatible 127.0.0.7', () => `[::7f00:7]:${c(7).port}/x/y`],
		['NAT64 of 127.0.0.8', () => `[64:ff9b::7f00:8]:${c(8).port}/x/y`],
		['127.0.0.9 on 443 (default port)', () => `127.0.0.9/x/y`]
	];
	// Numeric spellings the reference grammar already refuses; the layer below (URL normalisation + name
	// rule) is covered in ssrf.spec.ts. Either way: refused before any connection.
	const numeric: [string, () => string][] = [
		['hex integer 127.0.0.2', () => `0x7f000002:${c(2).port}/x/y`],
		['decimal integer 127.0.0.3', () => `2130706435:${c(3).port}/x/y`],
		['short form 127.9', () => `127.9:${c(9).port}/x/y`]
	];
	test.each(numeric)('inspect %s → refused', async (_n, ref) => {
		expect(await code(bare.url, ref())).toMatch(/^(INVALID_REFERENCE|BLOCKED_ADDRESS)$/);
		expect(totalConnections()).toBe(0);
	});
	test.each(direct)('inspect %s → BLOCKED_ADDRESS', async (_n, ref) => {
		expect(await code(bare.url, ref())).toBe('BLOCKED_ADDRESS');
		expect(totalConnections()).toBe(0);
	});
	test.each(direct.slice(0, 6))('proxy %s → BLOCKED_ADDRESS', async (_n, ref) => {
		expect(await code(bare.url, ref(), true)).toBe('BLOCKED_ADDRESS');
		expect(totalConnections()).toBe(0);
	});
	test('even the test registry on 127.0.0.1 is blocked without the allowlist', async () => {
		expect(await code(bare.url, `${bad.host}/good/img`)).toBe('BLOCKED_ADDRESS');
	});
});

describe('redirects and realms (app allowlisting only the bad registry port)', () => {
	test('the allowlisted registry itself works', async () => {
		const res = await fetch(`${pinned.url}/api/inspect?ref=${encodeURIComponent(`${bad.host}/good/img:v1`)}`);
		expect(res.status).toBe(200);
	});
	test('redirect to 127.0.0.5 → BLOCKED_ADDRESS', async () => {
		expect(await code(pinned.url, `${bad.host}/redir/private`)).toBe('BLOCKED_ADDRESS');
		expect(await code(pinned.url, `${bad.host}/redir/private`, true)).toBe('BLOCKED_ADDRESS');
		expect(totalConnections()).toBe(0);
	});
	test('token realm on 127.0.0.5 → BLOCKED_ADDRESS', async () => {
		expect(await code(pinned.url, `${bad.host}/realm/private`)).toBe('BLOCKED_ADDRESS');
		expect(totalConnections()).toBe(0);
	});
	test('another port of 127.0.0.1 is not covered by a port-specific entry', async () => {
		expect(await code(pinned.url, `127.0.0.1:${c(2).port}/x/y`)).toBe('BLOCKED_ADDRESS');
	});
	test('a redirect to another registry port on 127.0.0.1 (not allowlisted) → BLOCKED_ADDRESS', async () => {
		expect(await code(pinned.url, `${bad.host}/redir/k8s`)).toBe('BLOCKED_ADDRESS');
	});
});

describe('proxy request rules', () => {
	const q = () => new URLSearchParams({ ref: `${bad.host}/good/img`, target: 'v1' });
	test('without the custom header → 403 FORBIDDEN (no navigation, no simple cross-site GET)', async () => {
		const res = await fetch(`${pinned.url}/api/registry/manifest?${q()}`);
		expect(res.status).toBe(403);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
	});
	test('Sec-Fetch-Site: cross-site → 403 even with the header', async () => {
		const res = await fetch(`${pinned.url}/api/registry/manifest?${q()}`, {
			headers: { 'X-Registry-Proxy': '1', 'Sec-Fetch-Site': 'cross-site' }
		});
		expect(res.status).toBe(403);
	});
	test('with the header → the bytes, never renderable, no CORS headers', async () => {
		const res = await fetch(`${pinned.url}/api/registry/manifest?${q()}`, {
			headers: { 'X-Registry-Proxy': '1', Origin: 'https://other.test' }
		});
		expect(res.status).toBe(200);
		expect(res.headers.get('access-control-allow-origin')).toBeNull();
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('set-cookie')).toBeNull();
		await res.arrayBuffer();
	});
	describe('/api/chain: the same rules as the per-object proxy', () => {
		const chainUrl = () => `${pinned.url}/api/chain?${new URLSearchParams({ ref: `${bad.host}/good/img:v1` })}`;
		test('without the custom header → 403 FORBIDDEN', async () => {
			const res = await fetch(chainUrl());
			expect(res.status).toBe(403);
			const body = (await res.json()) as { error: { code: string; message: string } };
			expect(body.error.code).toBe('FORBIDDEN');
			expect(body.error.message).toMatch(/X-Registry-Proxy/);
		});
		test('Sec-Fetch-Site: cross-site → 403 even with the header', async () => {
			const res = await fetch(chainUrl(), { headers: { 'X-Registry-Proxy': '1', 'Sec-Fetch-Site': 'cross-site' } });
			expect(res.status).toBe(403);
			await res.arrayBuffer();
		});
		test('with the header (same-origin) → the chain', async () => {
			const res = await fetch(chainUrl(), { headers: { 'X-Registry-Proxy': '1', 'Sec-Fetch-Site': 'same-origin' } });
			expect(res.status).toBe(200);
			expect(res.headers.get('access-control-allow-origin')).toBeNull();
			await res.arrayBuffer();
		});
	});
	test('/api/inspect works from curl with no special header', async () => {
		const res = await fetch(`${pinned.url}/api/inspect?ref=${encodeURIComponent(`${bad.host}/good/img:v1`)}`);
		expect(res.status).toBe(200);
	});
	test.each(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])('%s → 405 with Allow: GET, HEAD', async (method) => {
		for (const path of ['/api/inspect?ref=x/y', `/api/registry/manifest?${q()}`]) {
			const res = await fetch(`${pinned.url}${path}`, {
				method,
				headers: { 'X-Registry-Proxy': '1', Origin: 'https://other.test', 'Access-Control-Request-Method': 'GET' }
			});
			expect(res.status, `${method} ${path}`).toBe(405);
			expect(res.headers.get('allow')).toBe('GET, HEAD');
			expect(res.headers.get('access-control-allow-origin')).toBeNull();
			expect(((await res.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
		}
	});
});
