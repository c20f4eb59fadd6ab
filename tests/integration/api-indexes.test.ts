/**
 * Indexes of every shape (tests/fixtures/indexes.ts) through `GET /api/inspect` and `/api/chain`,
 * against Debian's registry, with skopeo 1.9 as the reference wherever it has an answer.
 */
import { describe, expect, inject, it } from 'vitest';
import { INDEX_SHAPES_REPOSITORY, SBOM_TYPE, SIGNATURE_TYPE, WINDOWS_VERSIONS, indexShapes } from '../fixtures/indexes';
import type { BuiltImage, BuiltIndex } from '../fixtures/image';
import { skopeoInspect } from '../support/skopeo';

const appUrl = inject('appUrl');
const registry = inject('registry');
const shapes = indexShapes();
const repo = `${registry}/${INDEX_SHAPES_REPOSITORY}`;

type Body = Record<string, unknown> & {
	Manifests?: {
		Digest: string;
		MediaType: string;
		ArtifactType: string | null;
		Annotations: Record<string, string> | null;
		Label: string;
	}[];
};

async function api(ref: string, platform?: string): Promise<{ status: number; body: Body }> {
	const q = new URLSearchParams({ ref, tags: '0' });
	if (platform) q.set('platform', platform);
	const res = await fetch(`${appUrl}/api/inspect?${q}`);
	return { status: res.status, body: (await res.json()) as Body };
}

function child(index: BuiltIndex, i: number): BuiltImage | BuiltIndex {
	const target = index.entries[i]?.target;
	if (!target) throw new Error(`index has no entry ${i}`);
	return target;
}

function layersOf(image: BuiltImage | BuiltIndex): string[] {
	if (image.kind !== 'image') throw new Error('not an image');
	return image.layers.map((l) => l.blob.digest);
}

const SKOPEO_FIELDS = ['Name', 'Digest', 'Created', 'DockerVersion', 'Labels', 'Architecture', 'Os', 'Layers', 'Env'];

async function expectParity(ref: string, ours: Body, overrides: { os?: string; arch?: string } = {}) {
	const theirs = (await skopeoInspect(ref, { ...overrides, noTags: true })) as Record<string, unknown>;
	for (const field of SKOPEO_FIELDS) expect(ours[field], field).toEqual(theirs[field] ?? null);
}

describe('an index without platforms (the referrers fallback tag)', () => {
	const { tag, built } = shapes.referrers;

	it('answers 200 with the index digest and its entries, where skopeo refuses', async () => {
		const { status, body } = await api(`${repo}:${tag}`);
		expect(status, JSON.stringify(body)).toBe(200);
		expect(body).toMatchObject({
			Digest: built.manifest.digest,
			MediaType: built.manifest.mediaType,
			ManifestDigest: '',
			Layers: [],
			Architecture: '',
			Os: ''
		});
		expect(body.Manifests).toEqual([
			expect.objectContaining({
				Digest: child(built, 0).manifest.digest,
				ArtifactType: SBOM_TYPE,
				Annotations: { 'org.opencontainers.image.created': '2024-03-05T00:00:00Z' },
				Label: SBOM_TYPE
			}),
			expect.objectContaining({ Digest: child(built, 1).manifest.digest, ArtifactType: SIGNATURE_TYPE, Label: SIGNATURE_TYPE })
		]);
		await expect(skopeoInspect(`${repo}:${tag}`, { noTags: true })).rejects.toThrow();
	});

	it('answers each entry by its own digest', async () => {
		for (const i of [0, 1]) {
			const digest = child(built, i).manifest.digest;
			const { status, body } = await api(`${repo}@${digest}`);
			expect(status, JSON.stringify(body)).toBe(200);
			expect(body).toMatchObject({ Digest: digest, ManifestDigest: digest, Layers: layersOf(child(built, i)) });
		}
	});

	it('is NO_MATCHING_PLATFORM naming every entry by digest when a platform is asked for', async () => {
		const { status, body } = await api(`${repo}:${tag}`, 'linux/amd64');
		expect(status).toBe(404);
		const error = body.error as { code: string; message: string };
		expect(error.code).toBe('NO_MATCHING_PLATFORM');
		expect(error.message).toContain(`${SBOM_TYPE} (no platform, ${child(built, 0).manifest.digest})`);
	});

	it('/api/chain carries just the index for the page to verify', async () => {
		const res = await fetch(`${appUrl}/api/chain?${new URLSearchParams({ ref: `${repo}:${tag}` })}`, {
			headers: { 'X-Registry-Proxy': '1' }
		});
		expect(res.status).toBe(200);
		const answer = (await res.json()) as { objects: { target: string }[] };
		expect(answer.objects.map((o) => o.target)).toEqual([tag]);
	});
});

describe('nested indexes', () => {
	it('walks two nested levels carrying the platform, each verified, as far as skopeo goes', async () => {
		const { tag, built } = shapes['nested-walk'];
		const { status, body } = await api(`${repo}:${tag}`);
		expect(status, JSON.stringify(body)).toBe(200);
		const middle = child(built, 0) as BuiltIndex;
		const inner = child(middle, 0) as BuiltIndex;
		const image = child(inner, 0);
		expect(body).toMatchObject({
			Digest: built.manifest.digest,
			ManifestDigest: image.manifest.digest,
			Layers: layersOf(image),
			Architecture: 'amd64'
		});
		expect(body.NestedIndexes).toEqual([
			{ Digest: middle.manifest.digest, MediaType: middle.manifest.mediaType, Chosen: 'linux/amd64' },
			{ Digest: inner.manifest.digest, MediaType: inner.manifest.mediaType, Chosen: 'linux/amd64' }
		]);
	});

	it('shows each level without platforms as itself, and the innermost chooses linux/amd64', async () => {
		const { tag, built } = shapes.nested;
		const top = await api(`${repo}:${tag}`);
		const middle = child(built, 0) as BuiltIndex;
		expect(top.body.Manifests?.map((m) => [m.Digest, m.Label])).toEqual([[middle.manifest.digest, 'level-2']]);
		const second = await api(`${repo}@${middle.manifest.digest}`);
		const inner = child(middle, 0) as BuiltIndex;
		expect(second.body).toMatchObject({ Digest: middle.manifest.digest, ManifestDigest: '' });
		expect(second.body.Manifests?.map((m) => [m.Digest, m.Label])).toEqual([[inner.manifest.digest, 'level-3']]);
		const third = await api(`${repo}@${inner.manifest.digest}`);
		expect(third.body).toMatchObject({ Digest: inner.manifest.digest, ManifestDigest: child(inner, 0).manifest.digest });
		await expectParity(`${repo}@${inner.manifest.digest}`, third.body);
		const arm = await api(`${repo}@${inner.manifest.digest}`, 'linux/arm64');
		expect(arm.body).toMatchObject({ ManifestDigest: child(inner, 1).manifest.digest, Architecture: 'arm64' });
	});
});

describe('three windows/amd64 entries differing in os.version', () => {
	const { tag, built } = shapes.windows;
	const ref = `${repo}:${tag}`;

	it('labels each with its os.version; windows/amd64 takes the first, as skopeo does', async () => {
		const { body } = await api(ref, 'windows/amd64');
		expect(body.Manifests?.map((m) => m.Label)).toEqual(WINDOWS_VERSIONS.map((v) => `windows(${v})/amd64`));
		expect(body.ManifestDigest).toBe(child(built, 0).manifest.digest);
		await expectParity(ref, body, { os: 'windows', arch: 'amd64' });
	});

	it.each(WINDOWS_VERSIONS.map((v, i) => [v, i] as const))('windows(%s)/amd64 addresses its own entry', async (version, i) => {
		const { status, body } = await api(ref, `windows(${version})/amd64`);
		expect(status, JSON.stringify(body)).toBe(200);
		expect(body).toMatchObject({ ManifestDigest: child(built, i).manifest.digest, OsVersion: version });
	});

	it('by default says there is no linux/amd64, listing the three', async () => {
		const { status, body } = await api(ref);
		expect(status).toBe(404);
		const error = body.error as { message: string; details: { available: string[] } };
		expect(error.details.available).toEqual(WINDOWS_VERSIONS.map((v) => `windows(${v})/amd64`));
	});
});

describe('a linux/amd64 entry requiring os.features listed first', () => {
	const { tag, built } = shapes.gpu;
	const ref = `${repo}:${tag}`;

	it('is not chosen for plain linux/amd64 (skopeo 1.9 ignores os.features and takes it)', async () => {
		const { body } = await api(ref);
		expect(body.ManifestDigest).toBe(child(built, 1).manifest.digest);
		const theirs = (await skopeoInspect(ref, { noTags: true })) as { Layers: string[] };
		expect(theirs.Layers).toEqual(layersOf(child(built, 0)));
	});

	it.each(['linux(+gpu)/amd64', 'linux(%2Bgpu)/amd64'])('is addressed as %s', async (platform) => {
		const { status, body } = await api(ref, decodeURIComponent(platform));
		expect(status, JSON.stringify(body)).toBe(200);
		expect(body.ManifestDigest).toBe(child(built, 0).manifest.digest);
		expect(body.Labels).toMatchObject({ 'org.example.gpu': 'required' });
	});

	it('an unescaped + in the query string still addresses it', async () => {
		const res = await fetch(`${appUrl}/api/inspect?ref=${encodeURIComponent(ref)}&tags=0&platform=linux(+gpu)/amd64`);
		expect(((await res.json()) as Body).ManifestDigest).toBe(child(built, 0).manifest.digest);
	});
});

describe('configs that bend the spec', () => {
	it.each([
		['empty-config', 'architecture, os, rootfs'],
		['no-rootfs', 'rootfs']
	] as const)('%s is answered as skopeo answers it, with a warning naming %s', async (key, missing) => {
		const ref = `${repo}:${shapes[key].tag}`;
		const { status, body } = await api(ref);
		expect(status, JSON.stringify(body)).toBe(200);
		expect(body.Warnings).toEqual(expect.arrayContaining([expect.stringContaining(`The config has no ${missing}`)]));
		await expectParity(ref, body);
	});
});
