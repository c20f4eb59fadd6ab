/**
 * Tag pagination, the token challenge flow, blob redirects and the browser proxy endpoints, against the
 * misbehaving registry in tests/support/bad-registry.ts and the seeded registry.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startBadRegistry, startCanary, type BadRegistry, type Canary } from '../support/bad-registry';

/** The browser client's custom header; the proxy endpoints refuse requests without it. */
const PROXY = { headers: { 'X-Registry-Proxy': '1' } };

const appUrl = inject('appUrl');
const registry = inject('registry');
const fixtures = inject('fixtures');

let bad: BadRegistry;
let canary: Canary;

beforeAll(async () => {
	canary = await startCanary('127.0.0.2');
	bad = await startBadRegistry({ foreignNext: `http://${canary.host}/v2/foreign/img/tags/list?last=y` });
});
afterAll(async () => {
	await bad?.close();
	await canary?.close();
});

async function inspectJson(ref: string, extra = ''): Promise<{ status: number; body: Record<string, unknown> }> {
	const res = await fetch(`${appUrl}/api/inspect?ref=${encodeURIComponent(ref)}${extra}`);
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('tag pagination', () => {
	test('relative and absolute Link pages are followed; invalid entries dropped', async () => {
		const { status, body } = await inspectJson(`${bad.host}/paged/img:a`);
		expect(status).toBe(200);
		expect(body.RepoTags).toEqual(['a', 'b', 'c', 'd', 'e']);
		expect(bad.state.requests.filter((r) => r === 'GET /v2/paged/img/tags/list')).toHaveLength(3);
	});

	test('a Link to another host is not followed', async () => {
		const { status, body } = await inspectJson(`${bad.host}/foreign/img:x`);
		expect(status).toBe(200);
		expect(body.RepoTags).toEqual(['x', 'y']);
		expect(canary.connections()).toBe(0);
		expect(JSON.stringify(body.Warnings)).toMatch(/another host/);
		const tags = await fetch(`${appUrl}/api/registry/tags?ref=${encodeURIComponent(`${bad.host}/foreign/img`)}`, PROXY);
		expect(await tags.json()).toMatchObject({ name: `${bad.host}/foreign/img`, tags: ['x', 'y'], truncated: true });
		expect(canary.connections()).toBe(0);
	});

	test('a self-referencing Link stops', async () => {
		const res = await fetch(`${appUrl}/api/registry/tags?ref=${encodeURIComponent(`${bad.host}/loop/img`)}`, PROXY);
		expect(res.status).toBe(200);
		const body = (await res.json()) as { tags: string[]; truncated: boolean; warnings: string[] };
		expect(body.tags).toEqual(['l1', 'l2']);
		expect(body.truncated).toBe(true);
		expect(body.warnings.join(' ')).toMatch(/repeats/);
		const { body: inspected } = await inspectJson(`${bad.host}/loop/img:l1`);
		expect(inspected.RepoTags).toEqual(['l1', 'l2']);
	});

	test('tags=0 skips the listing; the seeded registry lists every tag', async () => {
		const many = fixtures['many-tags'];
		const { body } = await inspectJson(many.ref);
		expect([...(body.RepoTags as string[])].sort()).toEqual([...many.tags].sort());
		const before = bad.state.requests.length;
		const { body: noTags } = await inspectJson(`${bad.host}/good/img:v1`, '&tags=0');
		expect(noTags.RepoTags).toEqual([]);
		expect(bad.state.requests.slice(before).some((r) => r.includes('/tags/list'))).toBe(false);
	});
});

describe('authentication and redirects', () => {
	test('Bearer challenge: token fetched once, reused; the blob redirect to another port of 127.0.0.1 is refused', async () => {
		const first = await inspectJson(`${bad.host}/auth/img:v1`);
		expect(first.status).toBe(403);
		expect((first.body.error as { code: string }).code).toBe('BLOCKED_ADDRESS');
		expect(bad.state.tokenRequests).toBe(1);
		const second = await inspectJson(`${bad.host}/auth/img:v1`);
		expect(second.status).toBe(403);
		expect(bad.state.tokenRequests).toBe(1);
		expect(bad.state.cdnAuthorization).toEqual([]);
	});
});

describe('browser proxy endpoints', () => {
	const fx = () => fixtures['docker-v2'];
	const sha256 = (b: ArrayBuffer) => `sha256:${createHash('sha256').update(new Uint8Array(b)).digest('hex')}`;

	test('manifest by tag: bytes unchanged, registry headers, no-cache', async () => {
		const repo = `${registry}/${fx().repository}`;
		const res = await fetch(`${appUrl}/api/registry/manifest?ref=${encodeURIComponent(repo)}&target=${fx().tags[0]}`, PROXY);
		expect(res.status).toBe(200);
		expect(sha256(await res.arrayBuffer())).toBe(fx().digest);
		expect(res.headers.get('content-type')).toBe(fx().mediaType);
		expect(res.headers.get('docker-content-digest')).toBe(fx().digest);
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('cache-control')).toBe('no-cache');
	});

	test('manifest by digest is immutable', async () => {
		const repo = `${registry}/${fx().repository}`;
		const res = await fetch(`${appUrl}/api/registry/manifest?ref=${encodeURIComponent(repo)}&target=${fx().digest}`, PROXY);
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
	});

	test('blob by digest and size; more bytes than the size given → DIGEST_MISMATCH', async () => {
		const ref = encodeURIComponent(`${bad.host}/good/img`);
		const { configDigest, config } = bad.image;
		const ok = await fetch(`${appUrl}/api/registry/blob?ref=${ref}&digest=${configDigest}&size=${config.byteLength}`, PROXY);
		expect(ok.status).toBe(200);
		expect(sha256(await ok.arrayBuffer())).toBe(configDigest);
		expect(ok.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
		const short = await fetch(`${appUrl}/api/registry/blob?ref=${ref}&digest=${configDigest}&size=10`, PROXY);
		expect(short.status).toBe(502);
		expect(((await short.json()) as { error: { code: string } }).error.code).toBe('DIGEST_MISMATCH');
	});

	test('bad parameters → INVALID_REQUEST / INVALID_REFERENCE', async () => {
		const ref = encodeURIComponent(`${bad.host}/good/img`);
		for (const [q, code] of [
			[`ref=${ref}&target=..%2F..%2Fx`, 'INVALID_REQUEST'],
			[`ref=${ref}`, 'INVALID_REQUEST'],
			[`ref=http%3A%2F%2Fevil.test%2Fx&target=v1`, 'INVALID_REFERENCE']
		] as const) {
			const res = await fetch(`${appUrl}/api/registry/manifest?${q}`, PROXY);
			expect(res.status, q).toBe(400);
			expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
		}
		const blob = await fetch(`${appUrl}/api/registry/blob?ref=${ref}&digest=sha256:abc&size=1`, PROXY);
		expect(blob.status).toBe(400);
	});

	test('raw=1 returns the top-level bytes; config=1 the config bytes', async () => {
		const idx = fixtures['oci-index'];
		const raw = await fetch(`${appUrl}/api/inspect?ref=${encodeURIComponent(idx.ref)}&raw=1`);
		expect(raw.status).toBe(200);
		expect(sha256(await raw.arrayBuffer())).toBe(idx.digest);
		expect(raw.headers.get('content-type')).toBe(idx.mediaType);
		const cfg = await fetch(`${appUrl}/api/inspect?ref=${encodeURIComponent(`${bad.host}/good/img:v1`)}&config=1`);
		expect(cfg.status).toBe(200);
		expect(sha256(await cfg.arrayBuffer())).toBe(bad.image.configDigest);
	});

	test('security headers on pages and API', async () => {
		const page = await fetch(`${appUrl}/`);
		const csp = page.headers.get('content-security-policy') ?? '';
		expect(csp).toContain("default-src 'self'");
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toContain("'wasm-unsafe-eval'");
		// The page's inline start-up script is allowed by its hash, not by 'unsafe-inline'.
		expect(csp).toMatch(/script-src [^;]*'sha256-[A-Za-z0-9+/]+=*'/);
		expect(csp).not.toMatch(/script-src [^;]*'unsafe-inline'/);
		expect(page.headers.get('x-content-type-options')).toBe('nosniff');
		expect(page.headers.get('referrer-policy')).toBe('no-referrer');
		const cross = await fetch(`${appUrl}/api/registry/tags?ref=x/y`, { headers: { ...PROXY.headers, 'sec-fetch-site': 'cross-site' } });
		expect(cross.status).toBe(403);
		// API answers keep their own policy, stricter than the pages'.
		expect(cross.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
	});
});
