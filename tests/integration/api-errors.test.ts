/**
 * Bad input and misbehaving registries through `GET /api/inspect`: each answers its error code with a
 * clear message, and the server keeps serving (a good request is checked after each).
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startBadRegistry, startCanary, type BadRegistry, type Canary } from '../support/bad-registry';
import { useApp } from '../support/extra-app';
import { freePort } from '../support/ports';

/** The browser client's custom header; the proxy endpoints refuse requests without it. */
const PROXY = { headers: { 'X-Registry-Proxy': '1' } };

const appUrl = inject('appUrl');
const registry = inject('registry');
const fixtures = inject('fixtures');
const good = fixtures['docker-v2'].ref;

interface ErrorAnswer {
	status: number;
	code: string;
	message: string;
}

async function api(path: string, base = appUrl): Promise<Response> {
	return fetch(`${base}${path}`);
}

async function inspectError(ref: string | null, extra = '', base = appUrl): Promise<ErrorAnswer> {
	const q = ref === null ? '' : `ref=${encodeURIComponent(ref)}`;
	const res = await api(`/api/inspect?${q}${extra}`, base);
	const body = (await res.json()) as { error?: { code: string; message: string } };
	expect(body.error, JSON.stringify(body)).toBeDefined();
	return { status: res.status, code: body.error!.code, message: body.error!.message };
}

async function expectHealthy(base = appUrl): Promise<void> {
	const res = await api(`/api/inspect?ref=${encodeURIComponent(good)}`, base);
	expect(res.status).toBe(200);
	const body = (await res.json()) as { Name: string; Digest: string };
	expect(body.Name).toBe(`${registry}/fixtures/docker-v2`);
	expect(body.Digest).toBe(fixtures['docker-v2'].digest);
}

let bad: BadRegistry;
let canary: Canary;

beforeAll(async () => {
	canary = await startCanary('127.0.0.2');
	bad = await startBadRegistry();
});
afterAll(async () => {
	await bad?.close();
	await canary?.close();
});

describe('bad input', () => {
	test('missing ref → INVALID_REQUEST', async () => {
		const e = await inspectError(null);
		expect(e).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
		expect(e.message).toMatch(/"ref"/);
		await expectHealthy();
	});

	test.each([
		['Alpine:3.20', /lowercase/],
		['ghcr.io/a/b:../../x', /repository|tag/],
		[`ghcr.io/a/b:${'x'.repeat(129)}`, /tag/],
		['ghcr.io/a/b@sha256:123', /digest|sha256/],
		['http://ghcr.io/x/y', /URL/],
		['user:pw@ghcr.io/img', /./],
		['ghcr.io/a/../../token', /./],
		['ghcr.io/a b', /./],
		['ghcr.io/a\r\nX-Injected: 1', /./]
	])('malformed %j → INVALID_REFERENCE', async (ref, why) => {
		const e = await inspectError(ref);
		expect(e).toMatchObject({ status: 400, code: 'INVALID_REFERENCE' });
		expect(e.message).toMatch(why);
	});

	test('bad platform and conflicting flags', async () => {
		expect(await inspectError(good, '&platform=linux')).toMatchObject({ status: 400, code: 'INVALID_PLATFORM' });
		expect(await inspectError(good, '&raw=1&config=1')).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
		expect(await inspectError(good, '&raw=maybe')).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
		await expectHealthy();
	});

	test('unknown repository → NOT_FOUND naming the registry', async () => {
		const e = await inspectError(`${registry}/fixtures/does-not-exist:latest`);
		expect(e).toMatchObject({ status: 404, code: 'NOT_FOUND' });
		expect(e.message).toContain(`fixtures/does-not-exist:latest not found on ${registry}`);
		await expectHealthy();
	});

	test('unknown tag → NOT_FOUND with the registry message', async () => {
		const e = await inspectError(`${registry}/fixtures/docker-v2:no-such-tag`);
		expect(e).toMatchObject({ status: 404, code: 'NOT_FOUND' });
		expect(e.message).toMatch(/manifest unknown.*fixtures\/docker-v2:no-such-tag not found on/);
		await expectHealthy();
	});
});

describe('unreachable and blocked registries', () => {
	test('registry down (closed port) → UPSTREAM_ERROR naming the registry', async () => {
		const port = await freePort();
		const e = await inspectError(`127.0.0.1:${port}/x/y:1`);
		expect(e).toMatchObject({ status: 502, code: 'UPSTREAM_ERROR' });
		expect(e.message).toContain(`127.0.0.1:${port}`);
		expect(e.message).toMatch(/connection refused/);
		await expectHealthy();
	});

	test('a loopback address that is not allowlisted → BLOCKED_ADDRESS, no connection made', async () => {
		const e = await inspectError(`${canary.host}/x/y:1`);
		expect(e).toMatchObject({ status: 403, code: 'BLOCKED_ADDRESS' });
		expect(e.message).toMatch(/127\.0\.0\.2.*loopback/);
		const p = await fetch(`${appUrl}/api/registry/manifest?ref=${encodeURIComponent(`${canary.host}/x/y`)}&target=1`, PROXY);
		expect(p.status).toBe(403);
		expect(canary.connections()).toBe(0);
		await expectHealthy();
	});

	test('localhost is refused by name', async () => {
		const e = await inspectError(`localhost:${canary.port}/x/y:1`);
		expect(e).toMatchObject({ status: 403, code: 'BLOCKED_ADDRESS' });
		expect(canary.connections()).toBe(0);
	});
});

describe('misbehaving registry', () => {
	test('manifest bytes that do not match the digest asked for → DIGEST_MISMATCH', async () => {
		const e = await inspectError(`${bad.host}/bad/digest@${bad.image.manifestDigest}`);
		expect(e).toMatchObject({ status: 502, code: 'DIGEST_MISMATCH' });
		expect(e.message).toContain(bad.image.manifestDigest);
		await expectHealthy();
	});

	test('a config blob that does not match its descriptor → DIGEST_MISMATCH', async () => {
		const e = await inspectError(`${bad.host}/bad/config:v1`);
		expect(e).toMatchObject({ status: 502, code: 'DIGEST_MISMATCH' });
		expect(e.message).toContain(bad.image.configDigest);
		await expectHealthy();
	});

	test('an oversized manifest → MANIFEST_TOO_LARGE', async () => {
		const e = await inspectError(`${bad.host}/bad/big:v1`);
		expect(e).toMatchObject({ status: 502, code: 'MANIFEST_TOO_LARGE' });
		expect(e.message).toMatch(/larger than the 4194304 byte limit/);
		await expectHealthy();
	});

	test('the good image of the bad registry inspects fine', async () => {
		const res = await api(`/api/inspect?ref=${encodeURIComponent(`${bad.host}/good/img:v1`)}`);
		expect(res.status).toBe(200);
		const body = (await res.json()) as { Digest: string; RepoTags: string[]; Labels: Record<string, string> };
		expect(body.Digest).toBe(bad.image.manifestDigest);
		expect(body.RepoTags).toEqual(['v1']);
		expect(body.Labels).toEqual({ 'org.example': 'bad-registry' });
	});
});

describe('slow registry (second app instance with a 1.5 s request timeout)', () => {
	const app = useApp({ REGSCOPE_REQUEST_TIMEOUT_MS: '1500', REGSCOPE_OVERALL_TIMEOUT_MS: '5000' });

	test('a registry that never answers → UPSTREAM_TIMEOUT naming the registry, and the server keeps serving', async () => {
		const e = await inspectError(`${bad.host}/slow/img:v1`, '', app.url);
		expect(e).toMatchObject({ status: 504, code: 'UPSTREAM_TIMEOUT' });
		expect(e.message).toContain(bad.host);
		await expectHealthy(app.url);
		await expectHealthy();
	});
});
