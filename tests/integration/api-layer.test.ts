/**
 * Layers through the server: `GET /api/layer` (listing checked with the shared $lib/oci/layer code) and the
 * proxy's layer mode (`/api/registry/blob?…&layer=1`), against the real registry's fixtures and the
 * misbehaving registry. GNU tar is the reference for the listing.
 */
import { execFileSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startBadRegistry, type BadRegistry } from '../support/bad-registry';
import { useApp } from '../support/extra-app';
import { GNU_LONG_PATH, LONG_PATH, LONG_TARGET, OS_RELEASE_V2 } from '../fixtures/layers';

const appUrl = inject('appUrl');
const registryUrl = inject('registryUrl');
const fixtures = inject('fixtures');
const mixed = fixtures['layers-mixed'];
const PROXY = { 'X-Registry-Proxy': '1' };

let bad: BadRegistry;
beforeAll(async () => {
	bad = await startBadRegistry();
});
afterAll(async () => {
	await bad?.close();
});

interface FileRow {
	Path: string;
	Type: string;
	Size: number;
	Mode: number;
	UID: number;
	GID: number;
	ModTime: string;
	Linkname?: string;
	Uname?: string;
}
interface Listing {
	Digest: string;
	DiffID: string;
	MediaType: string;
	CompressedSize: number;
	UncompressedSize: number;
	Files: FileRow[];
	Whiteouts: { Path: string; Opaque: boolean }[];
	error?: { code: string; message: string };
}

async function layer(ref: string, digest: string, base = appUrl): Promise<{ status: number; body: Listing }> {
	const res = await fetch(`${base}/api/layer?ref=${encodeURIComponent(ref)}&digest=${encodeURIComponent(digest)}`);
	return { status: res.status, body: (await res.json()) as Listing };
}

async function blob(repo: string, digest: string): Promise<Uint8Array> {
	return new Uint8Array(await (await fetch(`${registryUrl}/v2/${repo}/blobs/${digest}`)).arrayBuffer());
}

/** GNU tar's own listing of the uncompressed layer: member names, escaped. */
function gnuTarNames(tarBytes: Uint8Array): string[] {
	const out = execFileSync('tar', ['-t', '--quoting-style=escape', '-f', '-'], { input: tarBytes }).toString('latin1');
	return out
		.split('\n')
		.filter(Boolean)
		.map((n) => n.replace(/\/$/, ''));
}

describe('GET /api/layer', () => {
	test('the gzip base layer: every member GNU tar lists, with PAX/GNU long names, links, devices and a non-UTF-8 name', async () => {
		const r = await layer(mixed.ref, mixed.layerDigests[0]!);
		expect(r.status, JSON.stringify(r.body.error)).toBe(200);
		const raw = await blob(mixed.repository, mixed.layerDigests[0]!);
		expect(r.body).toMatchObject({ Digest: mixed.layerDigests[0], DiffID: mixed.diffIds[0], CompressedSize: raw.length });
		const tarBytes = gunzipSync(raw);
		expect(r.body.UncompressedSize).toBe(tarBytes.length);
		// GNU tar escapes the Latin-1 byte as \351; regscope shows it as \xe9.
		const expected = gnuTarNames(tarBytes).map((n) => n.replace('\\351', '\\xe9'));
		expect(r.body.Files.map((f) => f.Path)).toEqual(expected);
		const by = new Map(r.body.Files.map((f) => [f.Path, f]));
		expect(by.get(LONG_PATH)).toMatchObject({ Type: 'file', Size: 22, ModTime: '2024-03-01T12:34:56.500Z' });
		expect(by.get('usr/bin/long-link')).toMatchObject({ Type: 'symlink', Linkname: LONG_TARGET });
		expect(by.get(GNU_LONG_PATH)).toMatchObject({ Type: 'file', Size: 14 });
		expect(by.get('bin/sh-hardlink')).toMatchObject({ Type: 'hardlink', Linkname: 'bin/sh', Size: 0 });
		expect(by.get('dev/null')).toMatchObject({ Type: 'char', Mode: 0o666 });
		expect(by.get('run/fifo')).toMatchObject({ Type: 'fifo' });
		expect(by.get('data/caf\\xe9.txt')).toMatchObject({ UID: 1000, GID: 1000, Uname: 'app' });
		expect(by.get('etc')).toMatchObject({ Type: 'dir', Mode: 0o755 });
		expect(r.body.Whiteouts).toEqual([]);
	});

	test('the zstd layer and the uncompressed layer with its whiteouts', async () => {
		const z = await layer(mixed.ref, mixed.layerDigests[1]!);
		expect(z.status, JSON.stringify(z.body.error)).toBe(200);
		expect(z.body.MediaType).toBe('application/vnd.oci.image.layer.v1.tar+zstd');
		expect(z.body.DiffID).toBe(mixed.diffIds[1]);
		expect(z.body.Files.find((f) => f.Path === 'etc/os-release')?.Size).toBe(new TextEncoder().encode(OS_RELEASE_V2).length);
		const t = await layer(`${mixed.ref}@${mixed.digest}`, mixed.layerDigests[2]!);
		expect(t.status, JSON.stringify(t.body.error)).toBe(200);
		expect(t.body.DiffID).toBe(t.body.Digest);
		expect(t.body.Whiteouts).toEqual([
			{ Path: 'tmp/gone.txt', Opaque: false },
			{ Path: 'var/cache/app', Opaque: true }
		]);
		expect(t.body.Files.map((f) => f.Path)).toEqual(['var/cache/app/three.bin', 'etc/motd']);
	});

	test('a config with a wrong diff_id → DIGEST_MISMATCH naming the diff_id', async () => {
		const r = await layer(`${bad.host}/layer/diffid:v1`, bad.layerImage.layerDigest);
		expect(r.status).toBe(502);
		expect(r.body.error?.code).toBe('DIGEST_MISMATCH');
		expect(r.body.error?.message).toMatch(/but the config's diff_id is sha256:[0-9a-f]{64}/);
		expect(r.body.error?.message).toContain(`hashes to ${bad.layerImage.diffId}`);
	});

	test('layer bytes that do not match their digest → DIGEST_MISMATCH', async () => {
		const r = await layer(`${bad.host}/layer/bad:v1`, bad.layerImage.layerDigest);
		expect(r.status).toBe(502);
		expect(r.body.error?.code).toBe('DIGEST_MISMATCH');
		expect(r.body.error?.message).toContain(bad.layerImage.layerDigest);
		const good = await layer(`${bad.host}/layer/good:v1`, bad.layerImage.layerDigest);
		expect(good.status, JSON.stringify(good.body.error)).toBe(200);
		expect(good.body.Files.map((f) => f.Path)).toEqual(['etc/os-release', 'hello.txt']);
	});

	test('a digest that is not a layer of the image → NOT_FOUND; a bad digest → INVALID_REQUEST', async () => {
		const r = await layer(mixed.ref, mixed.configDigest);
		expect(r.status).toBe(404);
		expect(r.body.error?.message).toMatch(/is not a layer of/);
		expect((await layer(mixed.ref, 'sha256:nope')).body.error?.code).toBe('INVALID_REQUEST');
	});
});

describe('proxy layer mode', () => {
	const url = (repoRef: string, digest: string, size: number, base = appUrl) =>
		`${base}/api/registry/blob?ref=${encodeURIComponent(repoRef)}&digest=${digest}&size=${size}&layer=1`;

	test('streams the exact bytes with Content-Length and immutable caching; 304 on If-None-Match', async () => {
		const big = fixtures['layers-big'];
		const raw = await blob(big.repository, big.layerDigests[0]!);
		const res = await fetch(url(big.ref, big.layerDigests[0]!, raw.length), { headers: PROXY });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-length')).toBe(String(raw.length));
		expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
		expect(res.headers.get('etag')).toBe(`"${big.layerDigests[0]}"`);
		const got = new Uint8Array(await res.arrayBuffer());
		expect(got.length).toBe(raw.length);
		expect(Buffer.compare(got, raw)).toBe(0);
		const again = await fetch(url(big.ref, big.layerDigests[0]!, raw.length), {
			headers: { ...PROXY, 'If-None-Match': `"${big.layerDigests[0]}"` }
		});
		expect(again.status).toBe(304);
	});

	test('bytes that do not match the digest never complete (nothing cacheable is served)', async () => {
		// A small layer fails before the first byte is sent, a large one after all but its last chunk.
		const transfer = fetch(url(`${bad.host}/layer/bad`, bad.layerImage.layerDigest, bad.layerImage.layer.length), {
			headers: PROXY
		}).then((res) => res.arrayBuffer());
		await expect(transfer).rejects.toThrow();
	});

	test('needs the proxy header', async () => {
		const res = await fetch(url(mixed.ref, mixed.layerDigests[0]!, 1));
		expect(res.status).toBe(403);
	});
});

describe('a registry redirect to a CDN', () => {
	// The registry and its CDN are two ports of 127.0.0.1: each is allowlisted by its own port, since a bare
	// `127.0.0.1` entry does not let a redirect move to another port.
	const hosts = () => `${bad.host},${bad.cdnHost}`;
	const cdnApp = useApp(() => ({ REGSCOPE_INSECURE_REGISTRIES: hosts(), REGSCOPE_PRIVATE_REGISTRIES: hosts() }));

	test('is followed for a layer, without the registry token', async () => {
		const before = bad.state.cdnAuthorization.length;
		const q = `ref=${encodeURIComponent(`${bad.host}/layer/cdn`)}&digest=${bad.layerImage.layerDigest}&size=${bad.layerImage.layer.length}&layer=1`;
		const res = await fetch(`${cdnApp.url}/api/registry/blob?${q}`, { headers: PROXY });
		expect(res.status).toBe(200);
		expect(Buffer.compare(new Uint8Array(await res.arrayBuffer()), bad.layerImage.layer)).toBe(0);
		expect(bad.state.cdnAuthorization.slice(before)).toEqual([null]);
	});
});

describe('limits', () => {
	const app = useApp({ REGSCOPE_MAX_LAYER_MB: '60', REGSCOPE_CLIENT_LAYER_STREAMS: '1' });

	test('a layer above REGSCOPE_MAX_LAYER_MB → BLOB_TOO_LARGE before any transfer', async () => {
		const res = await fetch(
			`${app.url}/api/registry/blob?ref=${encodeURIComponent(mixed.ref)}&digest=${mixed.layerDigests[0]}&size=${61 * 1024 * 1024}&layer=1`,
			{
				headers: PROXY
			}
		);
		expect(res.status).toBe(502);
		const body = (await res.json()) as Listing;
		expect(body.error?.code).toBe('BLOB_TOO_LARGE');
		expect(body.error?.message).toMatch(/up to 60 MiB \(REGSCOPE_MAX_LAYER_MB\)/);
	});

	test('one client gets its cap of concurrent layer streams; a cancelled stream ends upstream and frees its slot', async () => {
		const big = fixtures['layers-big'];
		const raw = await blob(big.repository, big.layerDigests[0]!);
		const u = `${app.url}/api/registry/blob?ref=${encodeURIComponent(big.ref)}&digest=${big.layerDigests[0]}&size=${raw.length}&layer=1`;
		const ac = new AbortController();
		const first = await fetch(u, { headers: PROXY, signal: ac.signal });
		expect(first.status).toBe(200);
		const reader = first.body!.getReader();
		await reader.read();
		const second = await fetch(u, { headers: PROXY });
		// The server's own limit: SERVER_BUSY, never the registry's TOO_MANY_REQUESTS.
		expect(second.status).toBe(503);
		expect(((await second.json()) as Listing).error?.message).toMatch(/layer downloads from your address/);
		ac.abort();
		await expect.poll(() => app.output(), { timeout: 10_000 }).toMatch(/\[layer-stream\] cancelled sha256:\S+ bytes=\d+\/\d+/);
		const line = /\[layer-stream\] cancelled \S+ bytes=(\d+)\/(\d+)/.exec(app.output())!;
		expect(Number(line[1])).toBeLessThan(Number(line[2]));
		const third = await fetch(u, { headers: PROXY });
		expect(third.status).toBe(200);
		expect((await third.arrayBuffer()).byteLength).toBe(raw.length);
	});
});
