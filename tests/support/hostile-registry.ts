/**
 * A hostile registry for the hardening tests, on 127.0.0.1 (plain http): everything it serves is valid
 * enough to be read, and built to cost the reader as much as it can.
 *
 * - `bomb/s1:v1` (and by digest)  a signed schema1 manifest carrying `signatures` copies of its signature
 *                                 (thousands, still under the 4 MiB manifest cap)
 * - `chain/deep:v1`               an index → 3 nested indexes → image manifest, each padded to ~`padBytes`,
 *                                 and a small config (five large manifests in one chain)
 * - `chain/two:v1`                an index → image manifest, both padded the same (a legitimate large chain)
 * - `tags/huge`                   endless tag pages of ~`padBytes` each (one tag each, the rest padding)
 * - `redir/catalog:v1`            manifest 307 to `catalogUrl` (another registry's `/v2/_catalog`)
 * - `drip/img:v1`                 a manifest sent one byte every 100 ms (a request that never ends)
 * - `op/…`                        needs `Authorization: Basic` with `basic` (the operator's credentials):
 *   - `op/img:v1`                 the image of chain/two
 *   - `op/echo:v1`                404 whose error message echoes the Authorization header and the password
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema1Signed, generateSigner, signSchema1 } from '../fixtures/schema1';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

interface Stored {
	bytes: Uint8Array;
	type: string;
	/** Docker-Content-Digest (schema1: of the payload). */
	digest: string;
}

export interface HostileOptions {
	/** Copies of the signature in `bomb/s1`. */
	signatures?: number;
	/** Size each chain manifest and tag page is padded to. */
	padBytes?: number;
	/** Where `redir/catalog` sends its manifest request. */
	catalogUrl?: string;
	/** The credentials `op/…` accepts. */
	basic?: { username: string; password: string };
}

export interface HostileRegistry {
	/** `127.0.0.1:PORT` */
	host: string;
	digests: { bomb: string; deep: string; two: string };
	/** Requests per `METHOD path` (query stripped). */
	hits: Record<string, number>;
	close(): Promise<void>;
}

function padded(doc: Record<string, unknown>, size: number): Uint8Array {
	const bare = enc(doc).byteLength;
	// Random hex so nothing along the way can compress it away.
	const pad = randomBytes(Math.max(0, Math.floor((size - bare - 40) / 2))).toString('hex');
	return enc({ ...doc, annotations: { 'org.example.pad': pad } });
}

/** An image manifest and config, then `levels` indexes above it, each pointing at the one below. */
function buildChain(store: Map<string, Stored>, repo: string, levels: number, pad: number): string {
	const config = enc({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] }, history: [] });
	const put = (bytes: Uint8Array, type: string) => {
		const digest = sha256(bytes);
		store.set(`${repo}@${digest}`, { bytes, type, digest });
		return digest;
	};
	put(config, OCI_CONFIG);
	const manifest = padded(
		{
			schemaVersion: 2,
			mediaType: OCI_MANIFEST,
			config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.byteLength },
			layers: []
		},
		pad
	);
	let below = { digest: put(manifest, OCI_MANIFEST), size: manifest.byteLength, type: OCI_MANIFEST };
	for (let i = 0; i < levels; i++) {
		const index = padded(
			{
				schemaVersion: 2,
				mediaType: OCI_INDEX,
				manifests: [{ mediaType: below.type, digest: below.digest, size: below.size, platform: { os: 'linux', architecture: 'amd64' } }]
			},
			pad
		);
		below = { digest: put(index, OCI_INDEX), size: index.byteLength, type: OCI_INDEX };
	}
	store.set(`${repo}:v1`, { ...store.get(`${repo}@${below.digest}`)! });
	return below.digest;
}

/** A signed schema1 manifest whose one signature is repeated `n` times (the payload is unchanged). */
async function buildBomb(n: number): Promise<Stored> {
	const signed = await signSchema1(buildSchema1Signed('bomb/s1', 'v1').content, [await generateSigner('ES256')]);
	const text = new TextDecoder().decode(signed.bytes);
	const at = text.indexOf('"signatures": ') + '"signatures": '.length;
	const one = (JSON.parse(text.slice(at, text.lastIndexOf('}'))) as unknown[])[0];
	const bytes = new TextEncoder().encode(`${text.slice(0, at)}${JSON.stringify(Array(n).fill(one))}\n}`);
	return { bytes, type: SCHEMA1_SIGNED, digest: signed.digest };
}

export async function startHostileRegistry(options: HostileOptions = {}): Promise<HostileRegistry> {
	const pad = options.padBytes ?? 3.9 * 1024 * 1024;
	const store = new Map<string, Stored>();
	const bomb = await buildBomb(options.signatures ?? 6000);
	store.set('bomb/s1:v1', bomb);
	store.set(`bomb/s1@${bomb.digest}`, bomb);
	const deep = buildChain(store, 'chain/deep', 4, pad);
	const two = buildChain(store, 'chain/two', 1, pad);
	for (const [k, v] of [...store]) if (k.startsWith('chain/two')) store.set(k.replace('chain/two', 'op/img'), v);
	const tagPage = padded({ name: 'tags/huge', tags: ['t'] }, pad);
	const hits: Record<string, number> = {};
	const timers = new Set<NodeJS.Timeout>();
	const expected = options.basic ? `Basic ${Buffer.from(`${options.basic.username}:${options.basic.password}`).toString('base64')}` : null;

	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		const key = `${req.method} ${url.pathname}`;
		hits[key] = (hits[key] ?? 0) + 1;
		const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
			const bytes = enc(body);
			res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(bytes.byteLength), ...headers });
			res.end(req.method === 'HEAD' ? undefined : bytes);
		};
		const send = (s: Stored) => {
			res.writeHead(200, { 'content-type': s.type, 'content-length': String(s.bytes.byteLength), 'docker-content-digest': s.digest });
			res.end(req.method === 'HEAD' ? undefined : s.bytes);
		};
		if (url.pathname === '/v2/' || url.pathname === '/v2') return json(200, {});
		const m = /^\/v2\/(.+?)\/(manifests|blobs|tags)\/(.+)$/.exec(url.pathname);
		if (!m) return json(404, { errors: [{ code: 'NOT_FOUND', message: 'not here' }] });
		const [, repo, kind, target] = m as unknown as [string, string, string, string];
		if (repo.startsWith('op/')) {
			if (!expected || req.headers.authorization !== expected) {
				return json(
					401,
					{ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
					{ 'www-authenticate': 'Basic realm="hostile"' }
				);
			}
			if (repo === 'op/echo') {
				const message = `manifest unknown (request carried Authorization: ${req.headers.authorization}; user ${options.basic!.username} password ${options.basic!.password})`;
				return json(404, { errors: [{ code: 'MANIFEST_UNKNOWN', message }] });
			}
		}
		if (repo === 'redir/catalog' && options.catalogUrl) {
			res.writeHead(307, { location: options.catalogUrl, 'content-length': '0' });
			return res.end();
		}
		if (repo === 'tags/huge' && kind === 'tags') {
			const page = Number(url.searchParams.get('page') ?? '0');
			res.writeHead(200, {
				'content-type': 'application/json',
				'content-length': String(tagPage.byteLength),
				link: `</v2/tags/huge/tags/list?page=${page + 1}>; rel="next"`
			});
			return res.end(tagPage);
		}
		if (repo === 'drip/img' && kind === 'manifests') {
			res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-length': '100000' });
			const t = setInterval(() => res.write(' '), 100);
			timers.add(t);
			res.on('close', () => {
				clearInterval(t);
				timers.delete(t);
			});
			return;
		}
		const found = store.get(target.includes(':') ? `${repo}@${target}` : `${repo}:${target}`);
		if (found) return send(found);
		return json(404, { errors: [{ code: kind === 'blobs' ? 'BLOB_UNKNOWN' : 'MANIFEST_UNKNOWN', message: 'unknown' }] });
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		host: `127.0.0.1:${port}`,
		digests: { bomb: bomb.digest, deep, two },
		hits,
		close: async () => {
			for (const t of timers) clearInterval(t);
			server.closeAllConnections();
			await new Promise((r) => server.close(r));
		}
	};
}
