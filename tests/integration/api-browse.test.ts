/**
 * `/api/catalog` and `/api/tags` against the real registry (Debian's distribution 2.8, which pages
 * `_catalog` with `n` and `Link`), the token-auth registry (which grants no catalog scope: 401), and the
 * misbehaving registry (no `_catalog` route: 404). skopeo's `list-tags` is the reference for the tag set.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { BROWSE_REPOSITORIES, VERSIONS_REPOSITORY, VERSION_IMAGES, versionImage, type VersionImage } from '../fixtures/browse';
import { startBadRegistry, type BadRegistry } from '../support/bad-registry';
import { useApp } from '../support/extra-app';
import { runSkopeo } from '../support/skopeo';
import { startTokenRegistry, type TokenRegistry } from '../support/token-service';

const appUrl = inject('appUrl');
const registry = inject('registry');
const registryUrl = inject('registryUrl');

type Json = Record<string, unknown> & { error?: { code: string; message: string; details?: Record<string, unknown> } };

async function get(base: string, path: string): Promise<{ status: number; body: Json; upstream: string | null }> {
	const res = await fetch(`${base}${path}`);
	return { status: res.status, body: (await res.json()) as Json, upstream: res.headers.get('x-upstream-requests') };
}

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** What the registry itself lists, in one big page. */
async function registryCatalog(): Promise<string[]> {
	const res = await fetch(`${registryUrl}/v2/_catalog?n=1000`);
	return ((await res.json()) as { repositories: string[] }).repositories;
}

const VERSION_ORDER = [
	'latest',
	'2',
	'2.1',
	'2.1.0',
	'2.1.0-rc.1',
	'2.0',
	'2.0.1',
	'1',
	'1.10',
	'1.10.0',
	'1.9.2',
	...Array.from({ length: 60 }, (_, i) => `build-${i + 1}`),
	'edge',
	'main',
	't2',
	't10'
];

describe('GET /api/catalog', () => {
	test('follows the registry’s Link pages with `last`, page by page, to exactly what the registry holds', async () => {
		const all: string[] = [];
		let last: string | null = null;
		let pages = 0;
		do {
			const { status, body, upstream } = await get(appUrl, `/api/catalog?${q({ registry, n: '10', ...(last ? { last } : {}) })}`);
			expect(status).toBe(200);
			expect(body.Registry).toBe(registry);
			expect(upstream).toBe('1');
			const repos = body.Repositories as string[];
			expect(repos.length).toBeLessThanOrEqual(10);
			all.push(...repos);
			last = body.Next as string | null;
			pages++;
			expect(pages).toBeLessThan(20);
		} while (last !== null);
		expect(pages).toBeGreaterThan(2);
		expect(all).toEqual(await registryCatalog());
		for (const r of [...BROWSE_REPOSITORIES, VERSIONS_REPOSITORY, 'fixtures/docker-v2']) expect(all).toContain(r);
	});

	test('one default page (100) holds the whole test catalog and says there is no next page', async () => {
		const { status, body } = await get(appUrl, `/api/catalog?${q({ registry })}`);
		expect(status).toBe(200);
		expect(body.Repositories).toEqual(await registryCatalog());
		expect(body.Next).toBeNull();
	});

	test.each([
		['alpine', 400, 'INVALID_REQUEST'],
		[`${registry}/fixtures`, 400, 'INVALID_REQUEST'],
		['', 400, 'INVALID_REQUEST'],
		['169.254.169.254', 403, 'BLOCKED_ADDRESS'],
		['docker.io', 403, 'FORBIDDEN']
	])('registry=%j → %i %s', async (value, status, code) => {
		const res = await get(appUrl, `/api/catalog?${q({ registry: value })}`);
		expect(res.status).toBe(status);
		expect(res.body.error?.code).toBe(code);
	});

	test('Docker Hub is answered without asking it, and says what to do instead', async () => {
		const { body } = await get(appUrl, `/api/catalog?${q({ registry: 'index.docker.io' })}`);
		expect(body.error?.details?.catalog).toBe('refused');
		expect(body.error?.message).toMatch(/does not list its repositories.*open a repository by its name/);
	});
});

describe('catalog refusals', () => {
	let bad: BadRegistry;
	let reg: TokenRegistry;
	beforeAll(async () => {
		bad = await startBadRegistry();
		reg = await startTokenRegistry();
	}, 120_000);
	afterAll(async () => {
		await reg?.stop();
		await bad?.close();
	});
	const app = useApp();

	test('a registry without a catalog route (404) is NOT_FOUND, marked refused', async () => {
		const { status, body } = await get(app.url, `/api/catalog?${q({ registry: bad.host })}`);
		expect(status).toBe(404);
		expect(body.error?.code).toBe('NOT_FOUND');
		expect(body.error?.details?.catalog).toBe('refused');
		expect(bad.state.requests).toContain('GET /v2/_catalog');
	});

	test('a token registry that grants no catalog scope (401) is UNAUTHORIZED, after asking for registry:catalog:*', async () => {
		const { status, body } = await get(app.url, `/api/catalog?${q({ registry: reg.host })}`);
		expect(status).toBe(401);
		expect(body.error?.code).toBe('UNAUTHORIZED');
		expect(body.error?.details?.catalog).toBe('refused');
		expect(body.error?.message).toContain('does not list its repositories to anonymous users');
		expect(reg.tokens.requests.map((r) => r.scope)).toContain('registry:catalog:*');
	});
});

describe('GET /api/tags', () => {
	const ref = `${registry}/${VERSIONS_REPOSITORY}`;

	test('tags in version order: latest, versions newest first, then natural order; the same set skopeo lists', async () => {
		const { status, body } = await get(appUrl, `/api/tags?${q({ ref })}`);
		expect(status).toBe(200);
		expect(body.Repository).toBe(ref);
		expect(body.Tags).toEqual(VERSION_ORDER);
		expect(body.Groups).toBeUndefined();
		const { stdout } = await runSkopeo(['list-tags', '--tls-verify=false', `docker://${ref}`]);
		const listed = (JSON.parse(stdout.toString()) as { Tags: string[] }).Tags;
		expect([...(body.Tags as string[])].sort()).toEqual([...listed].sort());
	});

	test('sort=name is natural order', async () => {
		const { body } = await get(appUrl, `/api/tags?${q({ ref, sort: 'name' })}`);
		const tags = body.Tags as string[];
		expect(tags.indexOf('build-2')).toBeLessThan(tags.indexOf('build-10'));
		expect(tags.indexOf('t2')).toBeLessThan(tags.indexOf('t10'));
		expect(tags.indexOf('1.9.2')).toBeLessThan(tags.indexOf('1.10'));
		expect(tags.indexOf('latest')).toBeGreaterThan(tags.indexOf('edge'));
	});

	test('resolve=1 groups a window by digest, in the same order, each digest the image pushed', async () => {
		const { status, body, upstream } = await get(appUrl, `/api/tags?${q({ ref, resolve: '1', n: '12' })}`);
		expect(status).toBe(200);
		const digest = (name: VersionImage) => versionImage(name).manifest.digest;
		expect(body.Groups).toEqual([
			{ Digest: digest('a'), Tags: ['latest', '2', '2.1', '2.1.0'] },
			{ Digest: digest('rc'), Tags: ['2.1.0-rc.1'] },
			{ Digest: digest('b'), Tags: ['2.0', '2.0.1'] },
			{ Digest: digest('c'), Tags: ['1', '1.10', '1.10.0'] },
			{ Digest: digest('d'), Tags: ['1.9.2', 'build-1'] }
		]);
		// One HEAD per tag at most (the tag list may come from the cache).
		expect(Number(upstream)).toBeLessThanOrEqual(13);
	});

	test('tags=… resolves exactly the listed tags the repository has, in the order given', async () => {
		const { body } = await get(appUrl, `/api/tags?${q({ ref, resolve: '1', tags: 't10,edge,nope,1.9.2' })}`);
		const e = versionImage('e').manifest.digest;
		expect(body.Groups).toEqual([
			{ Digest: e, Tags: ['t10', 'edge'] },
			{ Digest: versionImage('d').manifest.digest, Tags: ['1.9.2'] }
		]);
		expect(VERSION_IMAGES.e.tags).toContain('t10');
	});

	test.each([
		[`ref=${encodeURIComponent(ref)}&sort=random`, 400, 'INVALID_REQUEST'],
		[`ref=${encodeURIComponent(ref)}&resolve=1&tags=${Array.from({ length: 101 }, (_, i) => `t${i}`).join(',')}`, 400, 'INVALID_REQUEST'],
		[`ref=${encodeURIComponent(ref)}&offset=-1`, 400, 'INVALID_REQUEST'],
		['ref=Bad/Name', 400, 'INVALID_REFERENCE'],
		[`ref=${encodeURIComponent(`${registry}/browse/missing`)}`, 404, 'NOT_FOUND'],
		['ref=169.254.169.254/x/y', 403, 'BLOCKED_ADDRESS']
	])('%s → %i %s', async (query, status, code) => {
		const res = await get(appUrl, `/api/tags?${query}`);
		expect(res.status).toBe(status);
		expect(res.body.error?.code).toBe(code);
	});
});
