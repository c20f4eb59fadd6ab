/**
 * HTTP caching and upstream counting of the API, against a fresh app instance (its own empty cache):
 * a repeated digest permalink costs zero upstream requests, If-None-Match gets a 304, tag answers are
 * `no-cache`, credentialed ones `private, no-store` and never cached on the server.
 */
import { describe, expect, inject, test } from 'vitest';
import { useApp } from '../support/extra-app';

const fixtures = inject('fixtures');

const app = useApp();

const pinned = (ref: string, digest: string) => `${ref.replace(/:[^:/]+$/, '')}@${digest}`;
const upstream = (res: Response) => Number(res.headers.get('x-upstream-requests'));
/** /api/chain answers only this site's pages: the browser client always sends X-Registry-Proxy: 1. */
const PROXY = { 'X-Registry-Proxy': '1' };
const chain = (ref: string, init: { headers?: Record<string, string> } = {}) =>
	fetch(`${app.url}/api/chain?${new URLSearchParams({ ref })}`, { headers: { ...PROXY, ...init.headers } });

interface ChainBody {
	reference: string;
	objects: { kind: string; target: string; contentType: string | null; body: string }[];
}

describe('the chain endpoint', () => {
	test('one answer carries index, chosen manifest and config; a repeat costs zero upstream requests', async () => {
		const f = fixtures['oci-index'];
		const first = await chain(pinned(f.ref, f.digest));
		expect(first.status).toBe(200);
		expect(upstream(first)).toBe(3);
		const body = (await first.json()) as ChainBody;
		expect(body.objects.map((o) => o.kind)).toEqual(['manifest', 'manifest', 'blob']);
		expect(body.objects[0]!.target).toBe(f.digest);
		const amd64 = f.children['linux/amd64']!;
		expect(body.objects[1]!.target).toBe(amd64.digest);
		expect(body.objects[2]!.target).toBe(amd64.configDigest);
		const again = await chain(pinned(f.ref, f.digest));
		expect(upstream(again)).toBe(0);
		expect(await again.json()).toEqual(body);
	});

	test('If-None-Match with the digest → 304, no upstream request', async () => {
		const f = fixtures['docker-list'];
		const res = await chain(pinned(f.ref, f.digest), { headers: { 'If-None-Match': `"${f.digest}"` } });
		expect(res.status).toBe(304);
		expect(upstream(res)).toBe(0);
		expect(res.headers.get('etag')).toBe(`"${f.digest}"`);
	});

	test('by tag: no-cache, ETag of the resolved digest; tag → digest cached briefly', async () => {
		const f = fixtures['docker-v2'];
		const first = await chain(f.ref);
		expect(first.status).toBe(200);
		expect(first.headers.get('cache-control')).toBe('no-cache');
		expect(first.headers.get('etag')).toBe(`"${f.digest}"`);
		await first.arrayBuffer();
		const again = await chain(f.ref); // within REGSCOPE_TAG_TTL_SECONDS (5 s)
		expect(upstream(again)).toBe(0);
		await again.arrayBuffer();
	});

	test('a platform the index lacks is the core error, before anything else', async () => {
		const f = fixtures['docker-list'];
		const res = await fetch(`${app.url}/api/chain?${new URLSearchParams({ ref: f.ref, platform: 'linux/s390x' })}`, { headers: PROXY });
		expect(res.status).toBe(404);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NO_MATCHING_PLATFORM');
	});

	test('credentialed: private, no-store, Vary, and nothing cached on the server', async () => {
		const f = fixtures['zstd-layer'];
		const headers = { 'X-Registry-Authorization': `Basic ${Buffer.from('user:pass').toString('base64')}` };
		const ref = pinned(f.ref, f.digest);
		for (let i = 0; i < 2; i++) {
			const res = await chain(ref, { headers });
			expect(res.status).toBe(200);
			expect(res.headers.get('cache-control')).toBe('private, no-store');
			expect(res.headers.get('vary')).toContain('X-Registry-Authorization');
			expect(res.headers.get('etag')).toBeNull();
			expect(upstream(res)).toBeGreaterThan(0);
			await res.arrayBuffer();
		}
		// what the credentialed calls fetched was not stored: the first anonymous call goes upstream
		const anonymous = await chain(ref);
		expect(upstream(anonymous)).toBeGreaterThan(0);
		await anonymous.arrayBuffer();
	});
});

describe('/api/inspect', () => {
	test('by digest: the second inspection costs zero upstream requests (RepoTags included)', async () => {
		const f = fixtures['oci-annotated'];
		const url = `${app.url}/api/inspect?${new URLSearchParams({ ref: pinned(f.ref, f.digest) })}`;
		const first = await fetch(url);
		expect(first.status).toBe(200);
		expect(upstream(first)).toBe(3); // manifest, config, tag list (skopeo: +1 for its /v2/ ping, +1 more)
		expect(first.headers.get('cache-control')).toBe('no-cache'); // RepoTags can move
		const a = await first.json();
		const second = await fetch(url);
		expect(upstream(second)).toBe(0);
		expect(await second.json()).toEqual(a);
	});

	test('by digest without tags: immutable, ETag, 304', async () => {
		const f = fixtures['many-tags'];
		const url = `${app.url}/api/inspect?${new URLSearchParams({ ref: pinned(f.ref, f.digest), tags: '0' })}`;
		const first = await fetch(url);
		expect(first.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
		expect(first.headers.get('etag')).toBe(`"${f.digest}"`);
		await first.arrayBuffer();
		const cond = await fetch(url, { headers: { 'If-None-Match': `"${f.digest}"` } });
		expect(cond.status).toBe(304);
		expect(upstream(cond)).toBe(0);
	});

	test('by tag: no-cache; the log line names the endpoint and the count', async () => {
		const f = fixtures['minimal-config'];
		const res = await fetch(`${app.url}/api/inspect?${new URLSearchParams({ ref: f.ref })}`);
		expect(res.headers.get('cache-control')).toBe('no-cache');
		expect(upstream(res)).toBe(3);
		await res.arrayBuffer();
		expect(app.output()).toMatch(/\[request\] \/api\/inspect 200 upstream=3 \d+ms/);
	});
});
