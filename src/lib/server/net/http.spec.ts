import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createUpstream, type Upstream, type UpstreamRequest } from './http';
import { checkRedirect } from './redirects';
import { parseSettings } from '../settings';

/** Loopback servers only; 127.0.0.1 is allowlisted for http and private addresses. */
const settings = parseSettings({
	REGSCOPE_INSECURE_REGISTRIES: '127.0.0.1',
	REGSCOPE_PRIVATE_REGISTRIES: '127.0.0.1',
	REGSCOPE_REQUEST_TIMEOUT_MS: '800'
});

const seenAuth: Record<string, string | null> = {};
let a: http.Server;
let b: http.Server;
let pa = 0;
let pb = 0;
let up: Upstream;

function serve(handler: http.RequestListener): Promise<[http.Server, number]> {
	const s = http.createServer(handler);
	return new Promise((r) => s.listen(0, '127.0.0.1', () => r([s, (s.address() as AddressInfo).port])));
}

beforeAll(async () => {
	[b, pb] = await serve((req, res) => {
		seenAuth[`b${req.url}`] = req.headers.authorization ?? null;
		res.end('from b');
	});
	[a, pa] = await serve((req, res) => {
		const path = req.url ?? '/';
		seenAuth[`a${path}`] = req.headers.authorization ?? null;
		if (path === '/big') {
			res.writeHead(200);
			const chunk = Buffer.alloc(64 * 1024, 32);
			let n = 0;
			const pump = () => {
				while (n++ < 40) if (!res.write(chunk)) return void res.once('drain', pump);
				res.end();
			};
			res.on('error', () => undefined);
			return pump();
		}
		if (path === '/declared') {
			res.writeHead(200, { 'content-length': '999999' });
			return res.end('x');
		}
		if (path === '/error-body') {
			res.writeHead(500);
			return res.end(Buffer.alloc(200 * 1024, 65));
		}
		if (path === '/to-b') {
			res.writeHead(307, { location: `http://127.0.0.1:${pb}/target` });
			return res.end();
		}
		if (path === '/same-origin') {
			res.writeHead(302, { location: '/ok' });
			return res.end();
		}
		if (path.startsWith('/hop')) {
			const n = Number(path.slice(4));
			res.writeHead(302, { location: `/hop${n + 1}` });
			return res.end();
		}
		if (path === '/loop') {
			res.writeHead(302, { location: '/loop' });
			return res.end();
		}
		if (path === '/to-file') {
			res.writeHead(302, { location: 'file:///etc/passwd' });
			return res.end();
		}
		if (path === '/to-userinfo') {
			res.writeHead(302, { location: `http://u:p@127.0.0.1:${pb}/x` });
			return res.end();
		}
		if (path === '/to-metadata') {
			res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
			return res.end();
		}
		if (path === '/gzip') {
			res.writeHead(200, { 'content-encoding': 'gzip' });
			return res.end('xx');
		}
		if (path === '/hang') return; // never answers
		if (path === '/drip') {
			res.writeHead(200);
			const t = setInterval(() => res.write('.'), 100);
			res.on('close', () => clearInterval(t));
			return;
		}
		res.end('ok');
	});
	up = createUpstream({ settings, log: () => undefined });
});

afterAll(async () => {
	await up.close();
	for (const s of [a, b]) {
		s.closeAllConnections();
		await new Promise((r) => s.close(r));
	}
});

const opts = (o: Partial<UpstreamRequest> = {}): UpstreamRequest => ({
	maxBytes: 1024 * 1024,
	tooLarge: 'MANIFEST_TOO_LARGE',
	what: 'manifest x',
	registry: 'reg.test',
	template: '/t',
	...o
});

describe('upstream requests', () => {
	test('a chunked body past the cap aborts with the given code (and does not crash the process)', async () => {
		await expect(up.request(new URL(`http://127.0.0.1:${pa}/big`), opts())).rejects.toMatchObject({
			code: 'MANIFEST_TOO_LARGE'
		});
		await expect(
			up.request(new URL(`http://127.0.0.1:${pa}/declared`), opts({ tooLarge: 'BLOB_TOO_LARGE', maxBytes: 1000 }))
		).rejects.toMatchObject({
			code: 'BLOB_TOO_LARGE'
		});
		await new Promise((r) => setTimeout(r, 50));
	});

	test('error bodies are truncated at 64 KiB, not failed', async () => {
		const res = await up.request(new URL(`http://127.0.0.1:${pa}/error-body`), opts());
		expect(res.status).toBe(500);
		expect(res.body.byteLength).toBe(64 * 1024);
		expect(res.truncated).toBe(true);
	});

	test('Authorization goes to its exact origin only (dropped on a different port)', async () => {
		// Each port listed on its own: then a redirect between them is one listed registry to another.
		const both = `127.0.0.1:${pa},127.0.0.1:${pb}`;
		const portSettings = parseSettings({ REGSCOPE_INSECURE_REGISTRIES: both, REGSCOPE_PRIVATE_REGISTRIES: both });
		const perPort = createUpstream({ settings: portSettings, log: () => undefined });
		try {
			const authorization = { origin: `http://127.0.0.1:${pa}`, value: 'Bearer secret' };
			const res = await perPort.request(new URL(`http://127.0.0.1:${pa}/to-b`), opts({ authorization }));
			expect(new TextDecoder().decode(res.body)).toBe('from b');
			expect(seenAuth['a/to-b']).toBe('Bearer secret');
			expect(seenAuth['b/target']).toBeNull();
			await perPort.request(new URL(`http://127.0.0.1:${pa}/same-origin`), opts({ authorization }));
			expect(seenAuth['a/ok']).toBe('Bearer secret');
		} finally {
			await perPort.close();
		}
	});

	test('a redirect to another port of a bare-host allowlist entry is refused before any connection', async () => {
		delete seenAuth['b/target'];
		await expect(up.request(new URL(`http://127.0.0.1:${pa}/to-b`), opts())).rejects.toMatchObject({
			code: 'BLOCKED_ADDRESS',
			message: expect.stringMatching(/another port of the same host/)
		});
		expect(seenAuth['b/target']).toBeUndefined();
	});

	test('cross-origin redirects: to where bytes are stored, never into another registry API', () => {
		const s = parseSettings({ REGSCOPE_PRIVATE_REGISTRIES: 'registry.corp' });
		const manifest = new URL('https://reg.example/v2/a/b/manifests/v1');
		const blob = new URL('https://reg.example/v2/a/b/blobs/sha256:abc');
		const go = (start: URL, to: string) => () => checkRedirect(start, start, new URL(to), s);
		expect(go(blob, 'https://cdn.example/store/sha256:abc?sig=1')).not.toThrow();
		expect(go(manifest, 'https://mirror.example/v2/other/name/manifests/v1')).not.toThrow();
		for (const [start, to] of [
			[manifest, 'https://mirror.example/v2/_catalog'],
			[manifest, 'https://mirror.example/v2/other/name/tags/list'],
			[manifest, 'https://mirror.example/v2/other/name/manifests/v2'],
			[blob, 'https://mirror.example/v2/other/name/manifests/sha256:abc'],
			[blob, 'https://registry.corp/store/x'],
			[manifest, 'https://registry.corp/v2/a/b/manifests/v1']
		] as const) {
			expect(go(start, to), to).toThrow(expect.objectContaining({ code: 'BLOCKED_ADDRESS' }));
		}
	});

	test('redirect limits, loops and bad targets', async () => {
		await expect(up.request(new URL(`http://127.0.0.1:${pa}/hop0`), opts())).rejects.toMatchObject({
			code: 'UPSTREAM_ERROR',
			message: expect.stringMatching(/more than 5/)
		});
		await expect(up.request(new URL(`http://127.0.0.1:${pa}/loop`), opts())).rejects.toMatchObject({
			message: expect.stringMatching(/loop/)
		});
		await expect(up.request(new URL(`http://127.0.0.1:${pa}/to-file`), opts())).rejects.toMatchObject({
			message: expect.stringMatching(/file:/)
		});
		await expect(up.request(new URL(`http://127.0.0.1:${pa}/to-userinfo`), opts())).rejects.toMatchObject({
			message: expect.stringMatching(/credentials/)
		});
		await expect(up.request(new URL(`http://127.0.0.1:${pa}/to-metadata`), opts())).rejects.toMatchObject({
			code: 'BLOCKED_ADDRESS'
		});
	});

	test('content-encoding is refused', async () => {
		await expect(up.request(new URL(`http://127.0.0.1:${pa}/gzip`), opts())).rejects.toMatchObject({
			code: 'UPSTREAM_ERROR',
			message: expect.stringMatching(/gzip/)
		});
	});

	test('no headers, or a drip feed → UPSTREAM_TIMEOUT', async () => {
		await expect(up.request(new URL(`http://127.0.0.1:${pa}/hang`), opts())).rejects.toMatchObject({
			code: 'UPSTREAM_TIMEOUT'
		});
		await expect(up.request(new URL(`http://127.0.0.1:${pa}/drip`), opts())).rejects.toMatchObject({
			code: 'UPSTREAM_TIMEOUT'
		});
		const overall = AbortSignal.timeout(100);
		await expect(up.request(new URL(`http://127.0.0.1:${pa}/hang`), opts({ signal: overall }))).rejects.toMatchObject({
			code: 'UPSTREAM_TIMEOUT',
			message: expect.stringMatching(/overall/)
		});
	});

	test('a caller that gives up (its signal aborted, as when the browser goes away) gets a RegscopeError, not a TypeError', async () => {
		const gone = new AbortController();
		const pending = up.request(new URL(`http://127.0.0.1:${pa}/hang`), opts({ signal: gone.signal, stream: true }));
		setTimeout(() => gone.abort(), 50);
		await expect(pending).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
	});

	test('connection refused → UPSTREAM_ERROR naming the registry; plain http only when allowlisted', async () => {
		const [s, port] = await serve(() => undefined);
		await new Promise((r) => s.close(r));
		await expect(up.request(new URL(`http://127.0.0.1:${port}/`), opts())).rejects.toMatchObject({
			code: 'UPSTREAM_ERROR',
			message: expect.stringMatching(/reg\.test.*connection refused/)
		});
		const strict = createUpstream({ settings: parseSettings({}), log: () => undefined });
		await expect(strict.request(new URL(`http://example.com/`), opts())).rejects.toMatchObject({
			code: 'BLOCKED_ADDRESS',
			message: expect.stringMatching(/REGSCOPE_INSECURE_REGISTRIES/)
		});
		await strict.close();
	});
});
