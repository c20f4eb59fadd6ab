import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createUpstream, type UpstreamRequest } from './http';
import { retryAfterMs } from './retry';
import { parseSettings } from '../settings';

const hits: Record<string, number> = {};
let server: http.Server;
let base = '';
const held: http.ServerResponse[] = [];

beforeAll(async () => {
	server = http.createServer((req, res) => {
		const p = req.url ?? '/';
		const n = (hits[p] = (hits[p] ?? 0) + 1);
		if (p === '/429-short' && n === 1) return res.writeHead(429, { 'retry-after': '1' }).end();
		if (p === '/429-long') return res.writeHead(429, { 'retry-after': '3600' }).end();
		if (p === '/503-always') return res.writeHead(503).end();
		if (p === '/hold') return void held.push(res);
		res.end('ok');
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	for (const r of held) r.destroy();
	server.closeAllConnections();
	await new Promise<void>((r) => server.close(() => r()));
});

const opts: UpstreamRequest = { maxBytes: 100, tooLarge: 'UPSTREAM_TOO_LARGE', what: 'x', registry: 'r', template: '/t' };

function make(env: Record<string, string> = {}) {
	const slept: number[] = [];
	const up = createUpstream({
		settings: parseSettings({ REGSCOPE_INSECURE_REGISTRIES: '127.0.0.1', REGSCOPE_PRIVATE_REGISTRIES: '127.0.0.1', ...env }),
		log: () => undefined,
		sleep: async (ms) => void slept.push(ms)
	});
	return { up, slept };
}

describe('Retry-After', () => {
	test('parses seconds and HTTP dates', () => {
		expect(retryAfterMs('2')).toBe(2000);
		expect(retryAfterMs(null)).toBeNull();
		expect(retryAfterMs('soon')).toBeNull();
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(retryAfterMs('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
		expect(retryAfterMs('Thu, 01 Jan 2025 00:00:03 GMT', now)).toBe(0);
	});
});

describe('one bounded retry on 429/503', () => {
	test('429 with a short Retry-After → waits that long, retries once, succeeds', async () => {
		const { up, slept } = make();
		const r = await up.request(new URL(`${base}/429-short`), opts);
		expect(r.status).toBe(200);
		expect(slept).toEqual([1000]);
		expect(hits['/429-short']).toBe(2);
		await up.close();
	});
	test('429 with a long Retry-After → no wait, the 429 is returned', async () => {
		const { up, slept } = make();
		const r = await up.request(new URL(`${base}/429-long`), opts);
		expect(r.status).toBe(429);
		expect(slept).toEqual([]);
		expect(hits['/429-long']).toBe(1);
		await up.close();
	});
	test('503 every time → exactly one retry', async () => {
		const { up, slept } = make();
		const r = await up.request(new URL(`${base}/503-always`), opts);
		expect(r.status).toBe(503);
		expect(slept).toEqual([500]);
		expect(hits['/503-always']).toBe(2);
		await up.close();
	});
});

describe('per-host concurrency cap', () => {
	test('beyond the slots and the queue → SERVER_BUSY at once (this server’s limit, not the registry’s)', async () => {
		const { up } = make({ REGSCOPE_HOST_CONCURRENCY: '1', REGSCOPE_HOST_QUEUE: '1', REGSCOPE_REQUEST_TIMEOUT_MS: '3000' });
		const ac = new AbortController();
		const first = up.request(new URL(`${base}/hold`), { ...opts, signal: ac.signal }).catch((e: unknown) => e);
		await new Promise((r) => setTimeout(r, 100));
		const second = up.request(new URL(`${base}/ok`), { ...opts, signal: ac.signal }).catch((e: unknown) => e);
		const third = await up.request(new URL(`${base}/ok`), opts).catch((e: unknown) => e);
		expect(third).toMatchObject({ code: 'SERVER_BUSY' });
		expect(String((third as Error).message)).toMatch(/requests to 127\.0\.0\.1:\d+/);
		ac.abort();
		await first;
		await second;
		await up.close();
	});
});
