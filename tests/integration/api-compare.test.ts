/**
 * `GET /api/compare` against the real registry: two versions sharing base layers, two tags of one image,
 * a layer recompressed at another gzip level, two indexes with overlapping platform sets; query errors,
 * credentials confined to one registry, HTTP caching.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { FilesJson } from '$lib/oci/compare';
import type { CompareJson } from '$lib/oci/compare/json';
import type { ErrorBody } from '$lib/oci/errors';
import { buildCompareApp, buildCompareRegzip } from '../fixtures/compare';
import { startBadRegistry, type BadRegistry } from '../support/bad-registry';

const appUrl = inject('appUrl');
const fixtures = inject('fixtures');

interface Answer<Body> {
	status: number;
	headers: Headers;
	body: Body;
}

async function ask<Body>(query: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer<Body>> {
	const res = await fetch(`${appUrl}/api/compare?${new URLSearchParams(query)}`, { headers });
	return { status: res.status, headers: res.headers, body: (await res.json()) as Body };
}

/** A comparison the test expects to be answered (it still checks the status). */
const compare = (query: Record<string, string>, headers?: Record<string, string>) => ask<CompareJson>(query, headers);
/** A comparison the test expects to be refused with `{"error":…}`. */
const refused = (query: Record<string, string>, headers?: Record<string, string>) => ask<{ error: ErrorBody }>(query, headers);

const at = (f: { ref: string }, tag: string) => f.ref.replace(/:[^:/]+$/, `:${tag}`);

describe('two versions of one repository', () => {
	test('shared base layers, one layer, one env variable and one label differ; history aligned', async () => {
		const old = fixtures['compare-old'];
		const neu = fixtures['compare-new'];
		const { status, body } = await compare({ a: old.ref, b: neu.ref });
		expect(status).toBe(200);
		expect(body.A).toMatchObject({ Digest: old.digest, ConfigDigest: old.configDigest, Platform: 'linux/amd64' });
		expect(body.B).toMatchObject({ Digest: neu.digest, ConfigDigest: neu.configDigest });
		expect(body.Identical).toEqual({ Digest: false, Manifest: false, Config: false, Layers: false, LayerContent: false });

		const shared = body.Layers.Shared;
		expect(shared.map((l) => [l.DigestA, l.DigestB, l.MatchedBy, l.DiffID])).toEqual(
			[0, 1].map((i) => [old.layerDigests[i], neu.layerDigests[i], 'digest', old.diffIds[i]])
		);
		expect(body.Layers.OnlyA.map((l: { Digest: string }) => l.Digest)).toEqual([old.layerDigests[2]]);
		expect(body.Layers.OnlyB.map((l: { Digest: string }) => l.Digest)).toEqual([neu.layerDigests[2]]);
		const sizes = (v: string) => buildCompareApp(v).layers.reduce((n, l) => n + l.blob.size, 0);
		expect(body.Layers.SizeA).toBe(sizes('1.4'));
		expect(body.Layers.SizeB).toBe(sizes('1.5'));
		expect(body.Layers.SizeDelta).toBe(sizes('1.5') - sizes('1.4'));

		expect(body.Config.map((c: { Key: string }) => c.Key)).toEqual(['Env', 'Labels']);
		expect(body.Config[0]?.Entries).toEqual([{ Name: 'APP_VERSION', A: '1.4', B: '1.5' }]);
		expect(body.Config[1]?.Entries).toEqual([{ Name: 'org.opencontainers.image.version', A: '1.4', B: '1.5' }]);
		expect(body.History.map((h: { Status: string }) => h.Status)).toEqual(['same', 'same', 'changed', 'changed', 'changed', 'same']);
		expect(body.History[3]?.A?.CreatedBy).toBe('COPY app-1.4 /app # buildkit');
		expect(body.History[3]?.B?.CreatedBy).toBe('COPY app-1.5 /app # buildkit');
		expect(body.Platforms).toBeNull();
	});

	test('two tags of one image are identical in every section', async () => {
		const neu = fixtures['compare-new'];
		const { status, body } = await compare({ a: at(neu, '1.5'), b: at(neu, '1.5.0') });
		expect(status).toBe(200);
		expect(body.Identical).toEqual({ Digest: true, Manifest: true, Config: true, Layers: true, LayerContent: true });
		expect(body.Layers.Shared).toHaveLength(3);
		expect([body.Layers.OnlyA, body.Layers.OnlyB, body.Config]).toEqual([[], [], []]);
		expect(body.Layers.SizeDelta).toBe(0);
		expect(body.History.every((h: { Status: string }) => h.Status === 'same')).toBe(true);
	});

	test('a layer gzip’d at another level is shared by diff_id, with both digests', async () => {
		const old = fixtures['compare-old'];
		const regzip = fixtures['compare-regzip'];
		expect(regzip.layerDigests[1]).not.toBe(old.layerDigests[1]);
		const { body } = await compare({ a: old.ref, b: regzip.ref });
		expect(body.Identical).toEqual({ Digest: false, Manifest: false, Config: true, Layers: false, LayerContent: true });
		expect(body.Layers.OnlyA).toEqual([]);
		expect(body.Layers.OnlyB).toEqual([]);
		const recompressed = body.Layers.Shared.filter((l) => l.MatchedBy === 'diff_id');
		expect(recompressed).toEqual([
			expect.objectContaining({ DigestA: old.layerDigests[1], DigestB: regzip.layerDigests[1], DiffID: old.diffIds[1] })
		]);
		const lib = buildCompareRegzip().layers[1]!.blob.size;
		expect(body.Layers.SizeDelta).toBe(lib - buildCompareApp('1.4').layers[1]!.blob.size);
	});
});

describe('two indexes', () => {
	test('the platform sets are compared; the default platform (linux/amd64) is the same image', async () => {
		const ia = fixtures['compare-index-a'];
		const ib = fixtures['compare-index-b'];
		const { status, body } = await compare({ a: ia.ref, b: ib.ref });
		expect(status).toBe(200);
		expect(body.Identical.Digest).toBe(false);
		expect(body.Identical.Manifest).toBe(true);
		expect(body.Platforms).toEqual({
			Common: [
				{
					Platform: 'linux/amd64',
					PlatformB: 'linux/amd64',
					DigestA: ia.children['linux/amd64']!.digest,
					DigestB: ib.children['linux/amd64']!.digest,
					Identical: true
				},
				{
					Platform: 'linux/arm64/v8',
					PlatformB: 'linux/arm64',
					DigestA: ia.children['linux/arm64/v8']!.digest,
					DigestB: ib.children['linux/arm64']!.digest,
					Identical: false
				}
			],
			OnlyA: [{ Platform: 'linux/s390x', Digest: ia.children['linux/s390x']!.digest }],
			OnlyB: [{ Platform: 'linux/arm/v7', Digest: ib.children['linux/arm/v7']!.digest }]
		});
	});

	test('each side takes its own platform', async () => {
		const ia = fixtures['compare-index-a'];
		const ib = fixtures['compare-index-b'];
		const { body } = await compare({ a: ia.ref, b: ib.ref, platformA: 'linux/arm64/v8', platformB: 'linux/arm64' });
		expect(body.A).toMatchObject({ Platform: 'linux/arm64/v8', ManifestDigest: ia.children['linux/arm64/v8']!.digest });
		expect(body.B).toMatchObject({ Platform: 'linux/arm64', ManifestDigest: ib.children['linux/arm64']!.digest });
		expect(body.Identical.Manifest).toBe(false);
		expect(body.Layers.OnlyA).toHaveLength(1);
		expect(body.Config.map((c: { Key: string }) => c.Key)).toEqual(['variant', 'Env']);

		const missing = await refused({ a: ia.ref, b: ib.ref, platformA: 'linux/ppc64le' });
		expect(missing.status).toBe(404);
		expect(missing.body.error.code).toBe('NO_MATCHING_PLATFORM');
	});
});

describe('files=1: the final filesystems compared on the server', () => {
	let bad: BadRegistry;
	beforeAll(async () => {
		bad = await startBadRegistry();
	});
	afterAll(async () => {
		await bad?.close();
	});
	const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
	const files = (query: Record<string, string>) => ask<CompareJson & { Files?: FilesJson }>({ ...query, files: '1' });

	test('two versions: only the app layer files changed, by content (same sizes and modes)', async () => {
		const { status, body } = await files({ a: fixtures['compare-old'].ref, b: fixtures['compare-new'].ref });
		expect(status).toBe(200);
		const f = body.Files!;
		expect(f.Changes.map((c) => [c.Path, c.Change, c.Reasons])).toEqual([
			['app/VERSION', 'changed', ['content']],
			['app/main.sh', 'changed', ['content']],
			['app/notes.txt', 'changed', ['content']]
		]);
		const version = f.Changes[0]!;
		expect(version.A).toEqual({ Type: 'file', Size: 4, Mode: 0o644, Digest: sha('1.4\n') });
		expect(version.B).toEqual({ Type: 'file', Size: 4, Mode: 0o644, Digest: sha('1.5\n') });
		expect(f.Changes[1]!.B!.Digest).toBe(sha('#!/bin/sh\necho "compare app 1.5"\n'));
		expect(f.Changes[1]!.B!.Mode).toBe(0o755);
		expect([f.Added, f.Removed, f.Changed, f.SizeDelta]).toEqual([0, 0, 3, 0]);
		expect(f.Unchanged).toBeGreaterThan(5);
	});

	test('a recompressed layer (same diff_id) leaves every file unchanged; without files=1 there is no Files section', async () => {
		const { status, body } = await files({ a: fixtures['compare-old'].ref, b: fixtures['compare-regzip'].ref });
		expect(status).toBe(200);
		expect(body.Files!.Changes).toEqual([]);
		expect(body.Files!.Unchanged).toBeGreaterThan(5);
		expect((await compare({ a: fixtures['compare-old'].ref, b: fixtures['compare-regzip'].ref })).body).not.toHaveProperty('Files');
	});

	test('a layer whose diff_id does not match fails the call with DIGEST_MISMATCH', async () => {
		const { status, body } = await ask<{ error: ErrorBody }>({
			a: fixtures['compare-old'].ref,
			b: `${bad.host}/layer/diffid:v1`,
			files: '1'
		});
		expect(status).toBe(502);
		expect(body.error.code).toBe('DIGEST_MISMATCH');
		expect(body.error.message).toMatch(/^b: layer sha256:/);
	});
});

describe('requests', () => {
	test('missing or bad parameters are INVALID_REQUEST / INVALID_REFERENCE / INVALID_PLATFORM naming the side', async () => {
		const old = fixtures['compare-old'];
		const noB = await refused({ a: old.ref });
		expect(noB.status).toBe(400);
		expect(noB.body.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('"b"') });
		const badA = await refused({ a: 'Bad::Ref', b: old.ref });
		expect(badA.status).toBe(400);
		expect(badA.body.error).toMatchObject({ code: 'INVALID_REFERENCE', message: expect.stringMatching(/^a: /) });
		const badPlatform = await refused({ a: old.ref, b: old.ref, platformB: 'linux' });
		expect(badPlatform.body.error).toMatchObject({ code: 'INVALID_PLATFORM', message: expect.stringMatching(/^platformB: /) });
	});

	test('credentials are refused when the two references are on different registries, before any registry request', async () => {
		const old = fixtures['compare-old'];
		const res = await refused({ a: old.ref, b: 'registry.example/other/image:1' }, { 'X-Registry-Authorization': `Basic ${btoa('u:p')}` });
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('INVALID_REQUEST');
		expect(res.body.error.message).toContain('registry.example');
		expect(JSON.stringify(res.body)).not.toContain(btoa('u:p'));
	});

	test('digest-pinned anonymous comparisons are immutable; by tag no-cache; with credentials private', async () => {
		const old = fixtures['compare-old'];
		const neu = fixtures['compare-new'];
		const pinned = (f: { ref: string; digest: string }) => `${f.ref}@${f.digest}`;
		const byDigest = await compare({ a: pinned(old), b: pinned(neu) });
		expect(byDigest.status).toBe(200);
		expect(byDigest.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
		expect(byDigest.body.B.Digest).toBe(neu.digest);
		const byTag = await compare({ a: old.ref, b: neu.ref });
		expect(byTag.headers.get('cache-control')).toBe('no-cache');
		const credentialed = await compare({ a: pinned(old), b: pinned(neu) }, { 'X-Registry-Authorization': `Basic ${btoa('u:p')}` });
		expect(credentialed.status).toBe(200);
		expect(credentialed.headers.get('cache-control')).toBe('private, no-store');
		expect(byDigest.headers.get('x-upstream-requests')).toMatch(/^\d+$/);
	});
});
