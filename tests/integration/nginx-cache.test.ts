/**
 * Scaling out: an HTTP cache (Debian's nginx, proxy_cache) in front of an app instance answers a
 * repeated digest permalink (the chain and inspect-by-digest APIs) without the app seeing the request;
 * tag answers and credentialed answers are never served from it.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { useApp } from '../support/extra-app';
import { startNginx, type RunningNginx } from '../support/nginx';

const fixtures = inject('fixtures');
let nginx: RunningNginx;

const app = useApp();
beforeAll(async () => {
	nginx = await startNginx(app.url);
});

afterAll(async () => {
	await nginx?.stop();
});

/** The API calls the app itself answered (its `[request]` log lines), for one endpoint. */
function appSaw(endpoint: string): number {
	return app
		.output()
		.split('\n')
		.filter((l) => l.startsWith(`[request] ${endpoint} `)).length;
}

/** /api/chain requires the browser client's header (the app refuses calls without it). */
const PROXY = { headers: { 'X-Registry-Proxy': '1' } };
const pinned = (ref: string, digest: string) => `${ref.replace(/:[^:/]+$/, '')}@${digest}`;

describe('nginx proxy_cache in front of the app', () => {
	test('a repeated digest permalink (chain API) is answered by nginx: the app sees it once', async () => {
		const f = fixtures['oci-index'];
		const url = `${nginx.url}/api/chain?${new URLSearchParams({ ref: pinned(f.ref, f.digest) })}`;
		const before = appSaw('/api/chain');
		const first = await fetch(url, PROXY);
		const firstBody = await first.text();
		expect(first.status).toBe(200);
		expect(first.headers.get('x-cache-status')).toBe('MISS');
		expect(first.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
		expect(first.headers.get('etag')).toBe(`"${f.digest}"`);
		for (let i = 0; i < 3; i++) {
			const again = await fetch(url, PROXY);
			expect(again.status).toBe(200);
			expect(again.headers.get('x-cache-status')).toBe('HIT');
			expect(await again.text()).toBe(firstBody);
		}
		expect(appSaw('/api/chain') - before).toBe(1);
		const log = await nginx.accessLog();
		expect(log.filter((l) => l.includes('/api/chain') && l.includes(' HIT 200'))).toHaveLength(3);
	});

	test('inspect by digest without RepoTags is cached the same way', async () => {
		const f = fixtures['docker-v2'];
		const url = `${nginx.url}/api/inspect?${new URLSearchParams({ ref: pinned(f.ref, f.digest), tags: '0' })}`;
		const before = appSaw('/api/inspect');
		expect((await fetch(url)).headers.get('x-cache-status')).toBe('MISS');
		const again = await fetch(url);
		expect(again.headers.get('x-cache-status')).toBe('HIT');
		expect(((await again.json()) as { Digest: string }).Digest).toBe(f.digest);
		expect(appSaw('/api/inspect') - before).toBe(1);
	});

	test('a tag answer (no-cache) goes to the app every time', async () => {
		const f = fixtures['docker-list'];
		const url = `${nginx.url}/api/chain?${new URLSearchParams({ ref: f.ref })}`;
		const before = appSaw('/api/chain');
		for (let i = 0; i < 2; i++) {
			const res = await fetch(url, PROXY);
			expect(res.status).toBe(200);
			expect(res.headers.get('cache-control')).toBe('no-cache');
			expect(res.headers.get('x-cache-status')).not.toBe('HIT');
			await res.arrayBuffer();
		}
		expect(appSaw('/api/chain') - before).toBe(2);
	});

	test('a credentialed answer is private, no-store: nginx does not keep it', async () => {
		const f = fixtures['minimal-config'];
		const url = `${nginx.url}/api/chain?${new URLSearchParams({ ref: pinned(f.ref, f.digest) })}`;
		const headers = { ...PROXY.headers, 'X-Registry-Authorization': `Basic ${Buffer.from('user:pass').toString('base64')}` };
		const withCreds = await fetch(url, { headers });
		await withCreds.arrayBuffer();
		expect(withCreds.status).toBe(200);
		expect(withCreds.headers.get('cache-control')).toBe('private, no-store');
		const anonymous = await fetch(url, PROXY);
		await anonymous.arrayBuffer();
		expect(anonymous.headers.get('x-cache-status')).toBe('MISS');
	});
});
