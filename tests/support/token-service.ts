/**
 * A token-auth test bed the way Docker Hub works: Debian's docker-registry (distribution 2.8) configured
 * with `auth: token`, and a small token service on 127.0.0.1 that signs ES256 JWTs with a key whose
 * self-signed certificate is the registry's `rootcertbundle` (the JWT header carries `kid` = the libtrust
 * key ID of that key, which is how distribution 2.8 finds it among the bundle's keys).
 *
 * Grants: anonymous → pull on `public/…`; a known user (Basic) → pull on `public/…` and `private/…`;
 * the admin → pull and push everywhere. Wrong credentials → 401. Everything listens on loopback only.
 */
import { execFile } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BuiltImage } from '../fixtures/image';
import { freePort } from './ports';
import { spawnService, type Service } from './process';
import { REGISTRY_BINARY, REGISTRY_PACKAGE } from './registry';
import { ensureTool } from './tools';

const run = promisify(execFile);

export const SERVICE = 'regscope-token-test';
export const ISSUER = 'regscope-token-issuer';

export interface Users {
	[user: string]: { password: string; admin?: boolean };
}

export const DEFAULT_USERS: Users = {
	admin: { password: 'admin-secret-pw', admin: true },
	alice: { password: 'alice-Pa55:word' }
};

export interface TokenRequestLog {
	/** The user from Basic credentials, '' when anonymous, '!bad' when the credentials were wrong. */
	user: string;
	scope: string;
	service: string;
}

export interface TokenService {
	/** `http://127.0.0.1:PORT/token` */
	realm: string;
	port: number;
	requests: TokenRequestLog[];
	/** A token for `scope` as `user` (for pushing in tests). */
	tokenFor(user: string | null, scope: string): string;
	close(): Promise<void>;
}

/** libtrust's key ID: base32 of the first 30 bytes of sha256(DER SubjectPublicKeyInfo), in 4-char groups. */
export function libtrustKeyId(publicKey: KeyObject): string {
	const der = publicKey.export({ type: 'spki', format: 'der' });
	const sum = createHash('sha256').update(der).digest().subarray(0, 30);
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0;
	let value = 0;
	let out = '';
	for (const byte of sum) {
		value = (value << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			out += alphabet[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
	return out.match(/.{1,4}/g)!.join(':');
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

interface Grant {
	type: string;
	name: string;
	actions: string[];
}

function allowed(user: string, users: Users, name: string, wanted: string[]): string[] {
	const admin = user !== '' && users[user]?.admin === true;
	return wanted.filter((a) => {
		if (admin) return a === 'pull' || a === 'push';
		if (a !== 'pull') return false;
		if (name.startsWith('public/')) return true;
		return user !== '' && name.startsWith('private/');
	});
}

/** Starts the token service with a fresh ES256 key + self-signed certificate in `dir`. */
export async function startTokenService(dir: string, users: Users = DEFAULT_USERS): Promise<{ service: TokenService; certPath: string }> {
	const keyPath = path.join(dir, 'token-key.pem');
	const certPath = path.join(dir, 'token-cert.pem');
	await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyPath]);
	await run('openssl', ['req', '-new', '-x509', '-key', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=regscope-test-token']);
	const key = createPrivateKey(await readFile(keyPath));
	const kid = libtrustKeyId(createPublicKey(key));
	const requests: TokenRequestLog[] = [];

	function jwt(user: string, access: Grant[]): string {
		const now = Math.floor(Date.now() / 1000);
		const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'ES256', kid }));
		const claims = b64url(
			JSON.stringify({ iss: ISSUER, sub: user, aud: SERVICE, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access })
		);
		const sig = sign('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' });
		return `${header}.${claims}.${b64url(sig)}`;
	}

	function grants(user: string, scopes: string[]): Grant[] {
		const out: Grant[] = [];
		for (const s of scopes) {
			const m = /^repository:([a-z0-9._/-]+):([a-z,*]+)$/.exec(s);
			if (!m) continue;
			const actions = allowed(user, users, m[1]!, m[2]!.split(','));
			if (actions.length > 0) out.push({ type: 'repository', name: m[1]!, actions });
		}
		return out;
	}

	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		const scopes = url.searchParams.getAll('scope');
		const svc = url.searchParams.get('service') ?? '';
		let user = '';
		const auth = req.headers.authorization;
		if (auth) {
			const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(auth);
			const text = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
			const colon = text.indexOf(':');
			const u = colon > 0 ? text.slice(0, colon) : '';
			if (!u || users[u]?.password !== text.slice(colon + 1)) {
				requests.push({ user: '!bad', scope: scopes.join(' '), service: svc });
				res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="token"' });
				res.end(JSON.stringify({ details: 'incorrect username or password' }));
				return;
			}
			user = u;
		}
		requests.push({ user, scope: scopes.join(' '), service: svc });
		if (url.pathname !== '/token' || svc !== SERVICE) {
			res.writeHead(400, { 'content-type': 'application/json' }).end('{"details":"bad request"}');
			return;
		}
		const token = jwt(user || 'anonymous', grants(user, scopes));
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const port = (server.address() as AddressInfo).port;
	return {
		certPath,
		service: {
			realm: `http://127.0.0.1:${port}/token`,
			port,
			requests,
			tokenFor: (user, scope) => jwt(user ?? '', grants(user ?? '', [scope])),
			close: () =>
				new Promise<void>((r) => {
					server.closeAllConnections();
					server.close(() => r());
				})
		}
	};
}

export interface TokenRegistry {
	/** `127.0.0.1:PORT` */
	host: string;
	url: string;
	tokens: TokenService;
	output(): string;
	stop(): Promise<void>;
}

function tokenRegistryConfig(port: number, storageDir: string, realm: string, certPath: string): string {
	const q = (s: string) => JSON.stringify(s);
	return [
		'version: 0.1',
		'log:',
		'  level: warn',
		'  accesslog:',
		'    disabled: true',
		'storage:',
		'  filesystem:',
		`    rootdirectory: ${q(storageDir)}`,
		'  maintenance:',
		'    uploadpurging:',
		'      enabled: false',
		'http:',
		`  addr: ${q(`127.0.0.1:${port}`)}`,
		`  secret: ${q('regscope-token-bed-secret')}`,
		'auth:',
		'  token:',
		`    realm: ${q(realm)}`,
		`    service: ${q(SERVICE)}`,
		`    issuer: ${q(ISSUER)}`,
		`    rootcertbundle: ${q(certPath)}`,
		''
	].join('\n');
}

/** Polls `/v2/` until the registry answers 401 with a Bearer challenge. */
async function waitForChallenge(url: string, service: Service, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let last = 'no answer';
	while (Date.now() < deadline) {
		if (service.hasExited()) throw new Error(`docker-registry exited early:\n${service.output()}`);
		try {
			const r = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(2000) });
			await r.arrayBuffer();
			if (r.status === 401 && /bearer/i.test(r.headers.get('www-authenticate') ?? '')) return;
			last = `HTTP ${r.status}`;
		} catch (e) {
			last = (e as Error).message;
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`token-auth registry did not come up (${last}):\n${service.output()}`);
}

export async function startTokenRegistry(users: Users = DEFAULT_USERS): Promise<TokenRegistry> {
	const binary = await ensureTool(REGISTRY_BINARY, REGISTRY_PACKAGE);
	const dir = await mkdtemp(path.join(tmpdir(), 'regscope-token-registry-'));
	const { service: tokens, certPath } = await startTokenService(dir, users);
	const port = await freePort();
	const configPath = path.join(dir, 'config.yml');
	await writeFile(configPath, tokenRegistryConfig(port, path.join(dir, 'data'), tokens.realm, certPath));
	const service = spawnService(binary, ['serve', configPath], { cwd: dir, env: { ...process.env } });
	const url = `http://127.0.0.1:${port}`;
	try {
		await waitForChallenge(url, service, 30_000);
	} catch (e) {
		await service.kill(1000);
		await tokens.close();
		await rm(dir, { recursive: true, force: true });
		throw e;
	}
	return {
		host: `127.0.0.1:${port}`,
		url,
		tokens,
		output: service.output,
		async stop() {
			await service.kill();
			await tokens.close();
			await rm(dir, { recursive: true, force: true });
		}
	};
}

/** Pushes an image (blobs, then the manifest under `tag`) with a push token for `admin`. */
export async function pushWithToken(reg: TokenRegistry, repository: string, image: BuiltImage, tag: string): Promise<void> {
	const token = reg.tokens.tokenFor('admin', `repository:${repository}:pull,push`);
	const auth = { authorization: `Bearer ${token}` };
	for (const blob of image.blobs) {
		const start = await fetch(`${reg.url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: auth });
		await start.arrayBuffer();
		if (start.status !== 202) throw new Error(`start upload to ${repository}: HTTP ${start.status}`);
		const location = new URL(start.headers.get('location') ?? '', `${reg.url}/`);
		location.searchParams.set('digest', blob.digest);
		const put = await fetch(location, {
			method: 'PUT',
			headers: { ...auth, 'content-type': 'application/octet-stream' },
			body: new Uint8Array(blob.bytes)
		});
		await put.arrayBuffer();
		if (put.status !== 201) throw new Error(`upload ${blob.digest} to ${repository}: HTTP ${put.status}`);
	}
	const res = await fetch(`${reg.url}/v2/${repository}/manifests/${tag}`, {
		method: 'PUT',
		headers: { ...auth, 'content-type': image.manifest.mediaType },
		body: new Uint8Array(image.manifest.bytes)
	});
	const text = await res.text();
	if (res.status !== 201) throw new Error(`push manifest ${repository}:${tag}: HTTP ${res.status} ${text.slice(0, 500)}`);
}
