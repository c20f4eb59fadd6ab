/**
 * A misbehaving registry for the API tests, on 127.0.0.1 (plain http), plus a "CDN" on a second port and a
 * loopback canary that only counts connections. Everything is built in memory with correct digests
 * unless a repository is broken on purpose:
 *
 * - `good/img:v1`        a valid single-platform OCI image (manifest, config; layer not served)
 * - `bad/digest`          any manifest answer is the good manifest plus one byte (digest mismatch)
 * - `bad/config:v1`       manifest names the good config, but the blob served has different bytes, same size
 * - `bad/longconfig:v1`   manifest names the good config, but the blob served is those bytes plus more
 * - `bad/big:v1`          a 5 MiB chunked manifest (no Content-Length)
 * - `slow/img:v1`         accepts the request and never answers
 * - `paged/img`           tags a..e in three pages: relative Link, then absolute Link, then none
 * - `foreign/img`         tags x, y and a Link to another host (`foreignNext`, the canary) that must not be followed
 * - `loop/img`            tags l1, l2 and a Link to the same page
 * - `auth/img:v1`         Bearer challenge (realm on this server); blobs 307 to the CDN port
 * - `drip/img:v1`        sends the manifest one byte every 200 ms (never idle long enough for a body timeout)
 * - `redir/loop:v1`      manifest 302 A → B → A
 * - `redir/private:v1`   manifest 307 to `canary` (a loopback address that is not allowlisted)
 * - `redir/k8s:v1`       manifest 307 to a second registry that wants its own Bearer token (registry.k8s.io
 *                         style); that registry records the Authorization it receives
 * - `realm/private:v1`   401 with a Bearer realm on `canary` (https) → must never be contacted
 * - `rate/once:v1`       first manifest GET is 429 with Retry-After: 1, then fine
 * - `rate/long:v1`       always 429 with Retry-After: 3600
 * - `busy/once:v1`       first manifest GET is 503 (no Retry-After), then fine
 * - `html/img:v1`        manifest is an HTML page served as text/html
 * - `json/invalid:v1`    manifest body is not JSON
 * - `json/dupe:v1`       manifest with duplicate `layers` keys
 * - `ctype/wrong:v1`     manifest served with the index media type
 * - `limited/img:v1`     every answer carries Docker Hub style ratelimit-limit / ratelimit-remaining
 * - `layer/good:v1`      an image with a real gzip layer (`layerImage`), served as pushed
 * - `layer/bad:v1`       the same image, but the layer bytes served differ from its digest (same size)
 * - `layer/cdn:v1`       the same image behind a Bearer challenge; its layer 307s to the CDN port
 * - `layer/diffid:v1`    the layer image, but its config lists a wrong diff_id (the layer bytes match their digest)
 * - `layer/gone:v1`      the layer image, but its layer blob is unknown (404 BLOB_UNKNOWN: garbage-collected)
 * - `layer/cut:v1`       the layer image, but the connection closes after half the layer's bytes
 * - `layer/slow:v1`      an image whose 8 MiB layer is sent 64 KiB every 100 ms (cancel tests); every such
 *                         transfer the client ends early is counted in `state.slowLayerAborted`
 * - `bad/index:v1`      an OCI index: linux/amd64 is the good image; linux/arm64's manifest (the layer image's)
 *                         is served with one byte changed (same size: a digest mismatch); linux/s390x's is unknown
 * - `slow/index:v1`      an OCI index: linux/amd64 is the good image; linux/arm64's manifest request is never answered
 * All manifests of paged/, foreign/, loop/, auth/, rate/, busy/, limited/ are the good manifest.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { rawTar } from '../fixtures/tar-raw';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';

function sha256(b: Uint8Array): string {
	return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

export interface BuiltImage {
	manifest: Uint8Array;
	manifestDigest: string;
	config: Uint8Array;
	configDigest: string;
	layerDigest: string;
}

export function buildGoodImage(): BuiltImage {
	const layer = new TextEncoder().encode('not really a layer');
	const layerDigest = sha256(layer);
	const config = enc({
		created: '2026-01-02T03:04:05Z',
		architecture: 'amd64',
		os: 'linux',
		config: { Env: ['PATH=/usr/bin'], Labels: { 'org.example': 'bad-registry' } },
		rootfs: { type: 'layers', diff_ids: [layerDigest] },
		history: [{ created: '2026-01-02T03:04:05Z', created_by: 'ADD file' }]
	});
	const configDigest = sha256(config);
	const manifest = enc({
		schemaVersion: 2,
		mediaType: OCI_MANIFEST,
		config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.byteLength },
		layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.byteLength }]
	});
	return { manifest, manifestDigest: sha256(manifest), config, configDigest, layerDigest };
}

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** An OCI index of linux images, one entry per manifest. */
function buildIndex(platforms: [manifest: Uint8Array, architecture: string][]): Uint8Array {
	return enc({
		schemaVersion: 2,
		mediaType: OCI_INDEX,
		manifests: platforms.map(([m, architecture]) => ({
			mediaType: OCI_MANIFEST,
			digest: sha256(m),
			size: m.byteLength,
			platform: { os: 'linux', architecture }
		}))
	});
}

/** A manifest no repository here serves. */
const NEVER_SERVED = enc({ schemaVersion: 2, mediaType: OCI_MANIFEST, note: 'never served' });

export interface LayerImage extends BuiltImage {
	layer: Uint8Array;
	diffId: string;
}

/** A one-layer image whose gzip layer is a real tar (`etc/os-release`, `hello.txt`). */
export function buildLayerImage(): LayerImage {
	const tarBytes = rawTar([
		{ flag: '0', name: 'etc/os-release', data: 'ID=bad-registry\n' },
		{ flag: '0', name: 'hello.txt', data: 'hello from a layer\n'.repeat(50) }
	]);
	const layer = new Uint8Array(gzipSync(tarBytes));
	const layerDigest = sha256(layer);
	const diffId = sha256(tarBytes);
	const config = enc({
		architecture: 'amd64',
		os: 'linux',
		config: {},
		rootfs: { type: 'layers', diff_ids: [diffId] },
		history: [{ created: '2026-01-02T03:04:05Z', created_by: 'ADD files /' }]
	});
	const configDigest = sha256(config);
	const manifest = enc({
		schemaVersion: 2,
		mediaType: OCI_MANIFEST,
		config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.byteLength },
		layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.byteLength }]
	});
	return { manifest, manifestDigest: sha256(manifest), config, configDigest, layerDigest, layer, diffId };
}

/** The layer image with a config whose diff_id is the digest of other bytes. */
function withWrongDiffId(good: LayerImage): BuiltImage {
	const config = enc({
		architecture: 'amd64',
		os: 'linux',
		config: {},
		rootfs: { type: 'layers', diff_ids: [sha256(new TextEncoder().encode('not the layer'))] },
		history: [{ created: '2026-01-02T03:04:05Z', created_by: 'ADD files /' }]
	});
	const configDigest = sha256(config);
	const manifest = enc({
		schemaVersion: 2,
		mediaType: OCI_MANIFEST,
		config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.byteLength },
		layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: good.layerDigest, size: good.layer.byteLength }]
	});
	return { manifest, manifestDigest: sha256(manifest), config, configDigest, layerDigest: good.layerDigest };
}

export const SLOW_LAYER_BYTES = 8 * 1024 * 1024;

/** An image whose one layer is 8 MiB of zeros (its digest is right; it is not gzip, so it never verifies). */
function buildSlowLayerImage(): BuiltImage {
	const layerDigest = sha256(new Uint8Array(SLOW_LAYER_BYTES));
	const config = enc({
		architecture: 'amd64',
		os: 'linux',
		config: {},
		rootfs: { type: 'layers', diff_ids: [layerDigest] },
		history: [{ created: '2026-01-02T03:04:05Z', created_by: 'ADD slow /' }]
	});
	const configDigest = sha256(config);
	const manifest = enc({
		schemaVersion: 2,
		mediaType: OCI_MANIFEST,
		config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.byteLength },
		layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: SLOW_LAYER_BYTES }]
	});
	return { manifest, manifestDigest: sha256(manifest), config, configDigest, layerDigest };
}

export interface BadRegistryState {
	tokenRequests: number;
	/** Authorization (or null) of every request the second registry (`redir/k8s`) received. */
	otherAuthorization: (string | null)[];
	/** Requests per `METHOD path` for the once-only failures. */
	hits: Record<string, number>;
	/** Authorization header (or null) of every request the CDN port received. */
	cdnAuthorization: (string | null)[];
	/** `METHOD path` of every request, query stripped. */
	requests: string[];
	/** `layer/slow` transfers that the other side closed before the last byte. */
	slowLayerAborted: number;
}

export interface BadRegistry {
	/** `127.0.0.1:PORT` */
	host: string;
	/** `127.0.0.1:PORT` of the "CDN" its blob redirects point to (another port of the same address). */
	cdnHost: string;
	url: string;
	image: BuiltImage;
	layerImage: LayerImage;
	state: BadRegistryState;
	close(): Promise<void>;
}

export interface Canary {
	host: string;
	port: number;
	connections(): number;
	close(): Promise<void>;
}

/** A TCP server that records connections and answers nothing useful. Use a loopback IP other than 127.0.0.1. */
export async function startCanary(ip = '127.0.0.2'): Promise<Canary> {
	let count = 0;
	const sockets = new Set<net.Socket>();
	const server = net.createServer((s) => {
		count++;
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
		s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}');
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, ip, () => resolve());
	});
	const port = (server.address() as net.AddressInfo).port;
	return {
		host: `${ip}:${port}`,
		port,
		connections: () => count,
		close: () =>
			new Promise<void>((r) => {
				for (const s of sockets) s.destroy();
				server.close(() => r());
			})
	};
}

function listen(server: http.Server): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
	});
}

function closeServer(server: http.Server): Promise<void> {
	return new Promise((r) => {
		server.closeAllConnections();
		server.close(() => r());
	});
}

export async function startBadRegistry(options: { foreignNext?: string; canary?: string } = {}): Promise<BadRegistry> {
	const image = buildGoodImage();
	const layerImage = buildLayerImage();
	const wrongDiffId = withWrongDiffId(layerImage);
	// bad/index: one good platform, one tampered, one the registry lacks; slow/index: one that never answers.
	const mixed = buildIndex([
		[image.manifest, 'amd64'],
		[layerImage.manifest, 'arm64'],
		[NEVER_SERVED, 's390x']
	]);
	const slowIndex = buildIndex([
		[image.manifest, 'amd64'],
		[NEVER_SERVED, 'arm64']
	]);
	const state: BadRegistryState = {
		tokenRequests: 0,
		cdnAuthorization: [],
		requests: [],
		otherAuthorization: [],
		hits: {},
		slowLayerAborted: 0
	};
	const slow = buildSlowLayerImage();
	const TOKEN = 'bad-registry-token-1';
	const OTHER_TOKEN = 'other-registry-token-2';
	const canaryHost = options.canary ?? '127.0.0.2:9';
	const held = new Set<http.ServerResponse>();
	const timers = new Set<NodeJS.Timeout>();

	// A second registry on another port (another origin) with its own token realm, like the target of
	// registry.k8s.io's redirects.
	let otherPort = 0;
	const other = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		if (url.pathname === '/token') {
			const scope = url.searchParams.get('scope');
			if (req.headers.authorization || scope !== 'repository:mirror/img:pull') {
				res.writeHead(400, { 'content-type': 'application/json' }).end('{"details":"unexpected"}');
				return;
			}
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: OTHER_TOKEN }));
			return;
		}
		state.otherAuthorization.push(req.headers.authorization ?? null);
		if (req.headers.authorization !== `Bearer ${OTHER_TOKEN}`) {
			res.writeHead(401, {
				'content-type': 'application/json',
				'www-authenticate': `Bearer realm="http://127.0.0.1:${otherPort}/token",service="other",scope="repository:mirror/img:pull"`
			});
			res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
			return;
		}
		res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-length': image.manifest.byteLength });
		res.end(image.manifest);
	});
	otherPort = await listen(other);

	const cdn = http.createServer((req, res) => {
		state.cdnAuthorization.push(req.headers.authorization ?? null);
		const digest = (req.url ?? '').split('/').pop() ?? '';
		if (digest === layerImage.layerDigest) {
			res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': layerImage.layer.byteLength });
			res.end(layerImage.layer);
		} else if (digest === image.configDigest) {
			res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': image.config.byteLength });
			res.end(image.config);
		} else {
			res.writeHead(404).end();
		}
	});
	const cdnPort = await listen(cdn);

	let port = 0;
	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		const path = url.pathname;
		state.requests.push(`${req.method} ${path}`);
		const send = (status: number, body: Uint8Array | string, headers: Record<string, string> = {}) => {
			const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
			res.writeHead(status, { 'content-length': String(bytes.byteLength), ...headers });
			res.end(bytes);
		};
		const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
			send(status, enc(body), { 'content-type': 'application/json', ...headers });
		const ociError = (status: number, code: string, message: string) => json(status, { errors: [{ code, message, detail: null }] });
		const sendManifest = (bytes: Uint8Array) => send(200, bytes, { 'content-type': OCI_MANIFEST, 'docker-content-digest': sha256(bytes) });

		const hit = (state.hits[`${req.method} ${path}`] = (state.hits[`${req.method} ${path}`] ?? 0) + 1);
		if (path === '/v2/' || path === '/v2') return json(200, {});
		if (path === '/token') {
			state.tokenRequests++;
			const scope = url.searchParams.get('scope') ?? '';
			if (!/^repository:[a-z0-9/]+:pull$/.test(scope) || url.searchParams.get('service') !== 'bad-registry') {
				return json(400, { details: 'bad scope or service' });
			}
			return json(200, { token: TOKEN, expires_in: 300, issued_at: new Date().toISOString() });
		}
		const m = /^\/v2\/(.+?)\/(manifests|blobs|tags)\/(.+)$/.exec(path);
		if (!m) return ociError(404, 'NOT_FOUND', 'page not found');
		const [, repo, kind, target] = m as unknown as [string, string, string, string];

		if (repo === 'realm/private') {
			return json(
				401,
				{ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
				{
					'www-authenticate': `Bearer realm="https://${canaryHost}/token",service="evil"`
				}
			);
		}
		if (repo === 'limited/img') {
			res.setHeader('ratelimit-limit', '100;w=21600');
			res.setHeader('ratelimit-remaining', '76;w=21600');
		}
		if ((repo === 'auth/img' || repo === 'layer/cdn') && req.headers.authorization !== `Bearer ${TOKEN}`) {
			return json(
				401,
				{ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
				{
					'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="bad-registry",scope="repository:${repo}:pull"`
				}
			);
		}

		if (kind === 'tags' && target === 'list') {
			const last = url.searchParams.get('last');
			if (repo === 'paged/img') {
				if (last === null) {
					return json(200, { name: repo, tags: ['a', 'b'] }, { link: `</v2/paged/img/tags/list?n=2&last=b>; rel="next"` });
				}
				if (last === 'b') {
					return json(
						200,
						{ name: repo, tags: ['c', 'd'] },
						{
							link: `<http://127.0.0.1:${port}/v2/paged/img/tags/list?n=2&last=d>; rel="next"`
						}
					);
				}
				return json(200, { name: repo, tags: ['e', null, 'sha256:abc'] });
			}
			if (repo === 'foreign/img') {
				const next = options.foreignNext ?? 'http://127.0.0.2:9/v2/foreign/img/tags/list?last=y';
				return json(200, { name: repo, tags: ['x', 'y'] }, { link: `<${next}>; rel="next"` });
			}
			if (repo === 'loop/img') {
				return json(200, { name: repo, tags: ['l1', 'l2'] }, { link: '</v2/loop/img/tags/list>; rel="next"' });
			}
			return json(200, { name: repo, tags: ['v1'] });
		}

		if (kind === 'manifests') {
			if (repo === 'slow/img') {
				held.add(res);
				return; // never answer
			}
			if (repo === 'drip/img') {
				res.writeHead(200, { 'content-type': OCI_MANIFEST });
				res.on('error', () => undefined);
				let i = 0;
				const t = setInterval(() => {
					if (i >= image.manifest.byteLength || res.destroyed) {
						clearInterval(t);
						timers.delete(t);
						res.end();
						return;
					}
					res.write(image.manifest.subarray(i, i + 1));
					i++;
				}, 200);
				timers.add(t);
				return;
			}
			if (repo === 'redir/loop') {
				const to = target === 'v1' ? '/v2/redir/loop/manifests/v1b' : '/v2/redir/loop/manifests/v1';
				res.writeHead(302, { location: to, 'content-length': '0' });
				return res.end();
			}
			if (repo === 'redir/private') {
				res.writeHead(307, { location: `http://${canaryHost}/v2/x/manifests/v1`, 'content-length': '0' });
				return res.end();
			}
			if (repo === 'redir/k8s') {
				res.writeHead(307, { location: `http://127.0.0.1:${otherPort}/v2/mirror/img/manifests/v1`, 'content-length': '0' });
				return res.end();
			}
			if (repo === 'rate/once' && hit === 1) {
				return json(429, { errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }, { 'retry-after': '1' });
			}
			if (repo === 'rate/long') {
				return json(429, { errors: [{ code: 'TOOMANYREQUESTS', message: 'pull limit reached' }] }, { 'retry-after': '3600' });
			}
			if (repo === 'busy/once' && hit === 1) {
				return send(503, '<html><body>busy</body></html>', { 'content-type': 'text/html' });
			}
			if (repo === 'html/img') {
				return send(200, '<!doctype html><script>alert(document.domain)</script>', { 'content-type': 'text/html' });
			}
			if (repo === 'json/invalid') {
				return send(200, '{"schemaVersion": 2, "mediaType": ', { 'content-type': OCI_MANIFEST });
			}
			if (repo === 'json/dupe') {
				const text = new TextDecoder().decode(image.manifest);
				const dupe = text.replace('"layers":', '"layers":[],"layers":');
				return sendManifest(new TextEncoder().encode(dupe));
			}
			if (repo === 'ctype/wrong') {
				return send(200, image.manifest, { 'content-type': 'application/vnd.oci.image.index.v1+json' });
			}
			if (repo === 'layer/slow') return sendManifest(slow.manifest);
			if (repo === 'layer/diffid') return sendManifest(wrongDiffId.manifest);
			if (repo.startsWith('layer/')) return sendManifest(layerImage.manifest);
			if (repo === 'slow/index') {
				if (target === 'v1' || target === sha256(slowIndex)) {
					return send(200, slowIndex, { 'content-type': OCI_INDEX, 'docker-content-digest': sha256(slowIndex) });
				}
				if (target === sha256(NEVER_SERVED)) {
					held.add(res);
					return; // never answer
				}
			}
			if (repo === 'bad/index') {
				if (target === layerImage.manifestDigest) {
					const tampered = new Uint8Array(layerImage.manifest);
					tampered[tampered.length - 2]! ^= 0x01;
					return sendManifest(tampered);
				}
				if (target === 'v1' || target === sha256(mixed)) {
					return send(200, mixed, { 'content-type': OCI_INDEX, 'docker-content-digest': sha256(mixed) });
				}
			}
			if (repo === 'bad/digest') {
				return sendManifest(new Uint8Array([...image.manifest, 0x20]));
			}
			if (repo === 'bad/big') {
				res.writeHead(200, { 'content-type': OCI_MANIFEST });
				const chunk = new Uint8Array(64 * 1024).fill(0x20);
				let sent = 0;
				const pump = () => {
					while (sent < 5 * 1024 * 1024) {
						sent += chunk.byteLength;
						if (!res.write(chunk)) {
							res.once('drain', pump);
							return;
						}
					}
					res.end();
				};
				res.on('error', () => undefined);
				pump();
				return;
			}
			if (
				target === 'v1' ||
				target === image.manifestDigest ||
				['paged/img', 'foreign/img', 'loop/img', 'rate/once', 'busy/once', 'limited/img'].includes(repo)
			) {
				return sendManifest(image.manifest);
			}
			return ociError(404, 'MANIFEST_UNKNOWN', 'manifest unknown');
		}

		if (kind === 'blobs' && repo === 'layer/slow') {
			if (target === slow.configDigest) return send(200, slow.config, { 'content-type': 'application/octet-stream' });
			res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(SLOW_LAYER_BYTES) });
			res.on('error', () => undefined);
			const chunk = new Uint8Array(64 * 1024);
			let sent = 0;
			const t = setInterval(() => {
				if (res.destroyed || res.writableEnded) {
					clearInterval(t);
					timers.delete(t);
					return;
				}
				sent += chunk.byteLength;
				if (sent >= SLOW_LAYER_BYTES) {
					clearInterval(t);
					timers.delete(t);
					res.end(chunk);
					return;
				}
				res.write(chunk);
			}, 100);
			timers.add(t);
			res.on('close', () => {
				if (sent < SLOW_LAYER_BYTES) state.slowLayerAborted++;
			});
			return;
		}
		if (kind === 'blobs' && repo.startsWith('layer/')) {
			if (target === layerImage.configDigest) return send(200, layerImage.config, { 'content-type': 'application/octet-stream' });
			if (target === wrongDiffId.configDigest) return send(200, wrongDiffId.config, { 'content-type': 'application/octet-stream' });
			if (target !== layerImage.layerDigest) return ociError(404, 'BLOB_UNKNOWN', 'blob unknown to registry');
			if (repo === 'layer/cdn') {
				res.writeHead(307, { location: `http://127.0.0.1:${cdnPort}/cdn/${layerImage.layerDigest}`, 'content-length': '0' });
				return res.end();
			}
			if (repo === 'layer/gone') return ociError(404, 'BLOB_UNKNOWN', 'blob unknown to registry');
			if (repo === 'layer/cut') {
				res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(layerImage.layer.byteLength) });
				res.write(layerImage.layer.subarray(0, layerImage.layer.byteLength >> 1), () => res.destroy());
				return;
			}
			const bytes = new Uint8Array(layerImage.layer);
			if (repo === 'layer/bad') bytes[bytes.length >> 1]! ^= 0xff;
			return send(200, bytes, { 'content-type': 'application/octet-stream', 'docker-content-digest': layerImage.layerDigest });
		}
		if (kind === 'blobs') {
			if (target !== image.configDigest) return ociError(404, 'BLOB_UNKNOWN', 'blob unknown to registry');
			if (repo === 'bad/config') {
				const wrong = new Uint8Array(image.config);
				wrong[wrong.length - 2] = wrong[wrong.length - 2] === 0x7d ? 0x5d : 0x7d;
				return send(200, wrong, { 'content-type': 'application/octet-stream' });
			}
			if (repo === 'bad/longconfig') {
				const longer = new Uint8Array(image.config.byteLength + 64).fill(0x20);
				longer.set(image.config);
				return send(200, longer, { 'content-type': 'application/octet-stream', 'docker-content-digest': image.configDigest });
			}
			if (repo === 'auth/img') {
				res.writeHead(307, { location: `http://127.0.0.1:${cdnPort}/cdn/${image.configDigest}`, 'content-length': '0' });
				return res.end();
			}
			return send(200, image.config, { 'content-type': 'application/octet-stream', 'docker-content-digest': image.configDigest });
		}
		return ociError(404, 'NOT_FOUND', 'not found');
	});
	port = await listen(server);

	return {
		host: `127.0.0.1:${port}`,
		cdnHost: `127.0.0.1:${cdnPort}`,
		url: `http://127.0.0.1:${port}`,
		image,
		layerImage,
		state,
		close: async () => {
			for (const t of timers) clearInterval(t);
			for (const r of held) r.destroy();
			await closeServer(other);
			await closeServer(server);
			await closeServer(cdn);
		}
	};
}
