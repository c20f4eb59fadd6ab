/**
 * Token auth against the REAL distribution registry (`auth: token`) and a token service in the tests:
 * anonymous pull tokens for `public/…`, Basic-authenticated ones for `private/…`. Inspected through the
 * API with and without X-Registry-Authorization; credentials never leak into logs, messages or caches.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildDockerV2, buildSmallImage } from '../fixtures/fixtures';
import type { BuiltImage } from '../fixtures/image';
import { useApp } from '../support/extra-app';
import { pushWithToken, startTokenRegistry, type TokenRegistry } from '../support/token-service';

let reg: TokenRegistry;
let pub: BuiltImage;
let priv: BuiltImage;

const ALICE = 'alice';
const ALICE_PW = 'alice-Pa55:word';
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

beforeAll(async () => {
	reg = await startTokenRegistry();
	pub = buildDockerV2();
	priv = buildSmallImage();
	await pushWithToken(reg, 'public/x', pub, 'v1');
	await pushWithToken(reg, 'private/y', priv, 'v2');
});

afterAll(async () => {
	await reg?.stop();
});

// The realm is http://127.0.0.1:<port>/token: the loopback allowlist covers it like the registry.
const app = useApp();

async function inspect(ref: string, headers: Record<string, string> = {}) {
	const res = await fetch(`${app.url}/api/inspect?ref=${encodeURIComponent(ref)}`, { headers });
	return { res, body: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } } };
}

describe('token-auth registry', () => {
	test('public/x inspects anonymously with an anonymous pull token', async () => {
		const before = reg.tokens.requests.length;
		const { res, body } = await inspect(`${reg.host}/public/x:v1`);
		expect(res.status, JSON.stringify(body)).toBe(200);
		expect(body.Name).toBe(`${reg.host}/public/x`);
		expect(body.Digest).toBe(pub.manifest.digest);
		expect(body.RepoTags).toEqual(['v1']);
		const asked = reg.tokens.requests.slice(before);
		expect(asked.length).toBeGreaterThan(0);
		expect(asked.every((r) => r.user === '' && r.scope === 'repository:public/x:pull')).toBe(true);
	});

	test('private/y without credentials → UNAUTHORIZED', async () => {
		const { res, body } = await inspect(`${reg.host}/private/y:v2`);
		expect(res.status).toBe(401);
		expect(body.error?.code).toBe('UNAUTHORIZED');
		expect(body.error?.message).toMatch(/credentials are needed/);
	});

	test('private/y with X-Registry-Authorization: Basic → inspected, private, no-store', async () => {
		const before = reg.tokens.requests.length;
		const { res, body } = await inspect(`${reg.host}/private/y:v2`, { 'X-Registry-Authorization': basic(ALICE, ALICE_PW) });
		expect(res.status, JSON.stringify(body)).toBe(200);
		expect(body.Digest).toBe(priv.manifest.digest);
		expect(res.headers.get('cache-control')).toBe('private, no-store');
		expect(res.headers.get('vary')).toMatch(/X-Registry-Authorization/i);
		const asked = reg.tokens.requests.slice(before);
		expect(asked.some((r) => r.user === ALICE && r.scope === 'repository:private/y:pull')).toBe(true);
		expect(asked.some((r) => r.user === '!bad')).toBe(false);
	});

	test('the proxy endpoints take the same header', async () => {
		const q = new URLSearchParams({ ref: `${reg.host}/private/y`, target: priv.manifest.digest });
		const headers = { 'X-Registry-Proxy': '1', 'X-Registry-Authorization': basic(ALICE, ALICE_PW) };
		const ok = await fetch(`${app.url}/api/registry/manifest?${q}`, { headers });
		expect(ok.status).toBe(200);
		expect(new Uint8Array(await ok.arrayBuffer())).toEqual(priv.manifest.bytes);
		expect(ok.headers.get('cache-control')).toBe('private, no-store');
		expect(ok.headers.get('etag')).toBeNull();
		// Another client asking anonymously for the same digest right after gets nothing from any cache.
		const anon = await fetch(`${app.url}/api/registry/manifest?${q}`, { headers: { 'X-Registry-Proxy': '1' } });
		expect(anon.status).toBe(401);
		expect(((await anon.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
		const again = await inspect(`${reg.host}/private/y@${priv.manifest.digest}`);
		expect(again.body.error?.code).toBe('UNAUTHORIZED');
	});

	test('a ready Bearer token works too', async () => {
		const token = reg.tokens.tokenFor(ALICE, 'repository:private/y:pull');
		const { res, body } = await inspect(`${reg.host}/private/y:v2`, { 'X-Registry-Authorization': `Bearer ${token}` });
		expect(res.status, JSON.stringify(body)).toBe(200);
		expect(body.Digest).toBe(priv.manifest.digest);
		expect(res.headers.get('cache-control')).toBe('private, no-store');
	});

	test('a wrong password → UNAUTHORIZED with a clear message that does not echo it', async () => {
		const wrong = 'Wr0ng-Secret-Value';
		const { res, body } = await inspect(`${reg.host}/private/y:v2`, { 'X-Registry-Authorization': basic(ALICE, wrong) });
		expect(res.status).toBe(401);
		expect(body.error?.code).toBe('UNAUTHORIZED');
		expect(body.error?.message).toMatch(/did not accept the credentials given for user "alice"/);
		expect(body.error?.message).toMatch(/check the username and password/);
		const text = JSON.stringify(body);
		expect(text).not.toContain(wrong);
		expect(text).not.toContain(Buffer.from(`${ALICE}:${wrong}`).toString('base64'));
		expect(res.headers.get('cache-control')).toMatch(/no-store/);
	});

	test('a malformed header → INVALID_REQUEST without echoing it', async () => {
		const { res, body } = await inspect(`${reg.host}/public/x:v1`, { 'X-Registry-Authorization': 'Basic not*base64secret' });
		expect(res.status).toBe(400);
		expect(body.error?.code).toBe('INVALID_REQUEST');
		expect(JSON.stringify(body)).not.toContain('secret');
	});

	test('credentials and tokens never reach the server log', async () => {
		await new Promise((r) => setTimeout(r, 200));
		const log = app.output();
		expect(log).toContain('[upstream]');
		for (const secret of [
			ALICE_PW,
			'Wr0ng-Secret-Value',
			Buffer.from(`${ALICE}:${ALICE_PW}`).toString('base64'),
			'eyJ' // any JWT
		]) {
			expect(log).not.toContain(secret);
		}
		expect(log).not.toMatch(/[?&](scope|service)=/);
	});
});

describe('operator credentials (REGSCOPE_AUTH_FILE)', () => {
	let dir = '';
	let file = '';
	beforeAll(async () => {
		dir = await mkdtemp(path.join(tmpdir(), 'regscope-authfile-'));
		file = path.join(dir, 'config.json');
		await writeFile(file, JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`${ALICE}:${ALICE_PW}`).toString('base64') } } }));
	});
	afterAll(async () => {
		await rm(dir, { recursive: true, force: true });
	});
	const op = useApp(() => ({ REGSCOPE_AUTH_FILE: file }));

	test('used when the user sends none, and the answer says so', async () => {
		const res = await fetch(`${op.url}/api/inspect?ref=${encodeURIComponent(`${reg.host}/private/y:v2`)}`);
		const body = (await res.json()) as Record<string, unknown>;
		expect(res.status, JSON.stringify(body)).toBe(200);
		expect(body.OperatorCredentials).toBe(true);
		expect(res.headers.get('x-regscope-operator-credentials')).toBe('1');
		expect(res.headers.get('cache-control')).toBe('private, no-store');
	});

	test('never mixed with the user credentials: a wrong password is not rescued by them', async () => {
		const res = await fetch(`${op.url}/api/inspect?ref=${encodeURIComponent(`${reg.host}/private/y:v2`)}`, {
			headers: { 'X-Registry-Authorization': basic(ALICE, 'nope-wrong') }
		});
		expect(res.status).toBe(401);
		expect(res.headers.get('x-regscope-operator-credentials')).toBeNull();
	});

	test('not used for other registries (exact host:port match)', async () => {
		const res = await fetch(`${app.url}/api/inspect?ref=${encodeURIComponent(`${reg.host}/private/y:v2`)}`);
		expect(res.status).toBe(401);
		expect(op.output()).not.toContain(ALICE_PW);
	});
});
