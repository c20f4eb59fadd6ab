/**
 * Proves the test bed itself against the real tools: every seeded fixture is a real image that
 * Debian's skopeo reads the way the fixture description says.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, inject, test } from 'vitest';
import type { ChildImage, Fixture, ImageFixture, IndexFixture } from '../fixtures/fixtures';
import { getBlob, getManifest, listTags } from '../fixtures/push';
import { schema1PayloadDigest } from '../fixtures/schema1';
import { SkopeoError, skopeoInspect, skopeoInspectBytes, type SkopeoInspectOptions } from '../support/skopeo';
import { ensureTool } from '../support/tools';

const registry = inject('registry');
const registryUrl = inject('registryUrl');
const fixtures = inject('fixtures');
const all: Fixture[] = Object.values(fixtures);

interface SkopeoOutput {
	Name: string;
	Digest: string;
	RepoTags: string[] | null;
	Created: string | null;
	Architecture: string;
	Os: string;
	Layers: string[];
	Labels: Record<string, string> | null;
	Env: string[] | null;
}
interface OciConfig {
	architecture: string;
	os: string;
	variant?: string;
	rootfs: { type: string; diff_ids: string[] };
	history?: unknown[];
}

function sha256(bytes: Uint8Array): string {
	return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}

function zstdDecompress(data: Uint8Array, zstd: string): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const child = execFile(zstd, ['-d', '-c', '-q'], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) =>
			error ? reject(new Error(`zstd -d failed: ${stderr.toString()}`)) : resolve(stdout)
		);
		child.stdin?.end(data);
	});
}

async function decompress(mediaType: string, bytes: Uint8Array): Promise<Uint8Array> {
	if (mediaType.endsWith('gzip')) return gunzipSync(bytes);
	if (mediaType.endsWith('zstd')) return zstdDecompress(bytes, await ensureTool('zstd', 'zstd'));
	if (mediaType.endsWith('.tar') || mediaType === 'application/vnd.in-toto+json') return bytes;
	throw new Error(`don't know how to decompress ${mediaType}`);
}

/** skopeo 1.9 has no os.version override: `windows(10.0.20348.2113)/amd64` → windows, amd64. */
function platformOptions(platform: string): SkopeoInspectOptions {
	const [os, arch, variant] = platform.replace(/\(.*\)/, '').split('/');
	return { os, arch, ...(variant ? { variant } : {}) };
}

/** diff_ids of `--config` equal the sha256 of the decompressed layers fetched from the registry. */
async function expectDiffIdsMatchLayers(fixture: Fixture, opts: SkopeoInspectOptions, expected: ImageFixture | ChildImage) {
	const config = (await skopeoInspect(fixture.ref, { ...opts, config: true })) as OciConfig;
	expect(config.rootfs.type).toBe('layers');
	expect(config.rootfs.diff_ids).toEqual(expected.diffIds);
	expect(config.rootfs.diff_ids).toHaveLength(expected.layerCount);
	const manifest = JSON.parse(new TextDecoder().decode((await getManifest(registryUrl, fixture.repository, expected.digest)).bytes)) as {
		layers: { mediaType: string; digest: string }[];
	};
	const computed: string[] = [];
	for (const layer of manifest.layers) {
		const blob = await getBlob(registryUrl, fixture.repository, layer.digest);
		expect(sha256(blob)).toBe(layer.digest);
		computed.push(sha256(await decompress(layer.mediaType, blob)));
	}
	expect(config.rootfs.diff_ids).toEqual(computed);
	expect(config.history?.length ?? 0).toBe(expected.historyCount);
	// `--config --raw` prints the config blob exactly.
	const rawConfig = await skopeoInspectBytes(fixture.ref, { ...opts, config: true, raw: true });
	expect(sha256(rawConfig)).toBe(expected.configDigest);
	return config;
}

test('the fixture set has every kind the brief asks for', () => {
	expect(Object.keys(fixtures).sort()).toEqual(
		[
			'artifact-empty-config',
			'buildx-attestations',
			'docker-list',
			'docker-v2',
			'many-tags',
			'minimal-config',
			'oci-annotated',
			'oci-index',
			'zstd-layer',
			'schema1-skopeo',
			'schema1-signed',
			'compare-old',
			'compare-new',
			'compare-regzip',
			'compare-index-a',
			'compare-index-b',
			'layers-mixed',
			'layers-big',
			'layers-estargz'
		].sort()
	);
	for (const f of all) {
		expect(f.ref.startsWith(`${registry}/${f.repository}:`)).toBe(true);
		expect(registry).toMatch(/^127\.0\.0\.1:\d+$/);
	}
	// The fixture set crosses the globalSetup → worker boundary, so it must survive JSON.
	expect(JSON.parse(JSON.stringify(fixtures))).toEqual(fixtures);
});

test('the app answers on /', async () => {
	const appUrl = inject('appUrl');
	expect(appUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	const response = await fetch(`${appUrl}/`);
	expect(response.status).toBe(200);
});

describe.each(all.map((f) => [f.key, f] as const))('fixture %s', (_key, fixture) => {
	if (fixture.kind === 'schema1') {
		test('the registry serves a signed document whose JWS payload hashes to the fixture digest', async () => {
			const byTag = await getManifest(registryUrl, fixture.repository, fixture.tags[0]!);
			expect(schema1PayloadDigest(byTag.bytes)).toBe(fixture.digest);
			expect(sha256(byTag.bytes)).not.toBe(fixture.digest);
			expect(byTag.digest).toBe(fixture.digest);
			expect(byTag.contentType).toBe(fixture.mediaType);
			// Re-signed on every GET: other bytes, same payload.
			const byDigest = await getManifest(registryUrl, fixture.repository, fixture.digest);
			expect(schema1PayloadDigest(byDigest.bytes)).toBe(fixture.digest);
		});
	}

	if (fixture.kind !== 'schema1')
		test('the registry serves the manifest bytes that hash to the fixture digest', async () => {
			const byTag = await getManifest(registryUrl, fixture.repository, fixture.tags[0]!);
			expect(sha256(byTag.bytes)).toBe(fixture.digest);
			expect(byTag.digest).toBe(fixture.digest);
			expect(byTag.contentType).toBe(fixture.mediaType);
			const byDigest = await getManifest(registryUrl, fixture.repository, fixture.digest);
			expect(Buffer.from(byDigest.bytes).equals(Buffer.from(byTag.bytes))).toBe(true);
		});

	// Some fixtures share a repository (two versions of one image): it lists the tags of all of them.
	const repoTags = all
		.filter((f) => f.repository === fixture.repository)
		.flatMap((f) => f.tags)
		.sort();

	test('the registry lists exactly the fixture tags', async () => {
		const tags = await listTags(registryUrl, fixture.repository);
		expect([...tags].sort()).toEqual(repoTags);
	});

	if (fixture.skopeoRefuses) {
		test('skopeo refuses it', async () => {
			const error = await skopeoInspect(fixture.ref).then(
				() => undefined,
				(e: unknown) => e
			);
			expect(error).toBeInstanceOf(SkopeoError);
			expect((error as SkopeoError).exitCode).not.toBe(0);
			expect((error as SkopeoError).stderr).toMatch(/unsupported image-specific operation on artifact/);
		});
		test('skopeo --raw still prints the manifest, hashing to the digest', async () => {
			const raw = await skopeoInspectBytes(fixture.ref, { raw: true });
			expect(sha256(raw)).toBe(fixture.digest);
		});
		return;
	}

	if (fixture.kind === 'schema1') {
		const s1 = fixture;
		test('skopeo inspect --raw prints the signed document (payload = digest); --config --raw prints nothing', async () => {
			const raw = await skopeoInspectBytes(s1.ref, { raw: true });
			expect(schema1PayloadDigest(raw)).toBe(s1.digest);
			expect((await skopeoInspectBytes(s1.ref, { config: true, raw: true })).length).toBe(0);
		});
		test('skopeo inspect: Tag, Digest (of the payload), Layers with the empty ones', async () => {
			const out = (await skopeoInspect(s1.ref)) as SkopeoOutput & { Tag?: string };
			expect(out.Name).toBe(`${registry}/${s1.repository}`);
			expect(out.Tag).toBe(s1.manifestTag);
			expect(out.Digest).toBe(s1.digest);
			expect([...(out.RepoTags ?? [])].sort()).toEqual([...s1.tags].sort());
			expect(out.Layers).toEqual(s1.layerDigests);
			expect(out.Created).toBe(s1.created);
			expect(`${out.Os}/${out.Architecture}`).toBe(s1.platform);
		});
		test('--config is synthesized: no diff_ids to show', async () => {
			const config = (await skopeoInspect(s1.ref, { config: true })) as OciConfig;
			expect(config.rootfs.diff_ids.every((d) => d === '')).toBe(true);
		});
		return;
	}

	test('skopeo inspect --raw prints bytes hashing to the fixture digest', async () => {
		const raw = await skopeoInspectBytes(fixture.ref, { raw: true });
		expect(raw.length).toBeGreaterThan(0);
		expect(sha256(raw)).toBe(fixture.digest);
		expect((JSON.parse(raw.toString('utf8')) as { mediaType?: string }).mediaType).toBe(fixture.mediaType);
	});

	test('skopeo inspect succeeds: Digest, RepoTags, Layers', async () => {
		const out = (await skopeoInspect(fixture.ref)) as SkopeoOutput;
		expect(out.Name).toBe(`${registry}/${fixture.repository}`);
		expect(out.Digest).toBe(fixture.digest);
		expect([...(out.RepoTags ?? [])].sort()).toEqual(repoTags);
		const expected = fixture.kind === 'index' ? fixture.children['linux/amd64']! : fixture;
		expect(out.Layers).toEqual(expected.layerDigests);
		expect(out.Layers).toHaveLength(expected.layerCount);
		expect(`${out.Os}/${out.Architecture}`).toBe('linux/amd64');
		if (fixture.kind !== 'index') expect(out.Created).toBe(fixture.created);
	});

	if (fixture.kind === 'index') {
		const index: IndexFixture = fixture;
		test.each(index.platforms)('platform %s: layers, config diff_ids and history', async (platform) => {
			const child = index.children[platform]!;
			const opts = platformOptions(platform);
			const out = (await skopeoInspect(fixture.ref, { ...opts, noTags: true })) as SkopeoOutput;
			// skopeo 1.9 reports the index digest even when a platform is chosen.
			expect(out.Digest).toBe(index.digest);
			expect(out.Layers).toEqual(child.layerDigests);
			expect(out.Layers).toHaveLength(index.layerCount[platform]!);
			const config = await expectDiffIdsMatchLayers(fixture, opts, child);
			expect([config.os, config.architecture, config.variant].filter(Boolean).join('/')).toBe(platform.replace(/\(.*\)/, ''));
			expect(config.history?.length ?? 0).toBe(index.historyCount[platform]);
		});
	} else {
		const image: ImageFixture = fixture;
		test('--config diff_ids are the sha256 of the decompressed layers', async () => {
			await expectDiffIdsMatchLayers(fixture, {}, image);
		});
	}
});

describe('fixture specifics', () => {
	test('schema1-signed: skopeo dropped the newer duplicate entry (its labels are not shown)', async () => {
		const f = fixtures['schema1-signed'];
		const out = (await skopeoInspect(f.ref, { noTags: true })) as SkopeoOutput;
		expect(out.Labels?.['org.example.which']).toBe('kept-older-duplicate');
		expect(out.Layers).toHaveLength(f.layerCount);
		expect(f.droppedDuplicates).toBe(1);
	});

	test('schema1-skopeo: signed by containers/image with a libtrust key ID', () => {
		const f = fixtures['schema1-skopeo'];
		expect(f.keyIds).toHaveLength(1);
		expect(f.keyIds[0]).toMatch(/^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$/);
	});

	test('docker-v2 carries the rich Docker config', async () => {
		const f = fixtures['docker-v2'];
		const out = (await skopeoInspect(f.ref, { noTags: true })) as SkopeoOutput & { DockerVersion: string };
		expect(out.DockerVersion).toBe('24.0.7');
		expect(out.Created).toBe('2024-03-01T12:34:56.789012345Z');
		expect(out.Labels?.['org.example.title']).toBe('Ünïcødé ✓ 日本語');
		expect(out.Labels?.['org.opencontainers.image.source']).toBe('https://github.com/example/app');
		expect(out.Env).toContain('GREETING=héllo wörld');
		const config = (await skopeoInspect(f.ref, { config: true })) as {
			config: { Entrypoint: string[]; Cmd: string[]; WorkingDir: string; User: string; ExposedPorts: object; Volumes: object };
			history: { empty_layer?: boolean }[];
		};
		expect(config.config.Entrypoint).toEqual(['/app/main.sh']);
		expect(config.config.WorkingDir).toBe('/app');
		expect(config.config.User).toBe('app');
		expect(Object.keys(config.config.ExposedPorts)).toEqual(['8080/tcp', '8443/tcp']);
		expect(Object.keys(config.config.Volumes)).toEqual(['/data']);
		expect(config.history.filter((h) => !h.empty_layer)).toHaveLength(f.layerCount);
		expect(config.history.filter((h) => h.empty_layer).length).toBeGreaterThan(0);
	});

	test('minimal-config has no optional fields: skopeo prints nulls', async () => {
		const f = fixtures['minimal-config'];
		const out = (await skopeoInspect(f.ref, { noTags: true })) as SkopeoOutput & { DockerVersion: string };
		expect(out.Created).toBeNull();
		expect(out.Labels).toBeNull();
		expect(out.Env).toBeNull();
		expect(out.DockerVersion).toBe('');
		const raw = JSON.parse((await skopeoInspectBytes(f.ref, { config: true, raw: true })).toString('utf8')) as object;
		expect(Object.keys(raw).sort()).toEqual(['architecture', 'os', 'rootfs']);
	});

	test('zstd-layer has a genuine zstd layer', async () => {
		const f = fixtures['zstd-layer'];
		expect(f.layerMediaTypes).toContain('application/vnd.oci.image.layer.v1.tar+zstd');
		const i = f.layerMediaTypes.indexOf('application/vnd.oci.image.layer.v1.tar+zstd');
		const blob = await getBlob(registryUrl, f.repository, f.layerDigests[i]!);
		expect(Buffer.from(blob.subarray(0, 4)).toString('hex')).toBe('28b52ffd');
		const tarBytes = await zstdDecompress(blob, await ensureTool('zstd', 'zstd'));
		expect(sha256(tarBytes)).toBe(f.diffIds[i]);
		expect(tarBytes.subarray(257, 262).toString('latin1')).toBe('ustar');
	});

	test('oci-index includes windows with os.version', async () => {
		const f = fixtures['oci-index'];
		expect(f.platforms).toEqual(['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7', 'windows(10.0.20348.2113)/amd64']);
		const index = JSON.parse(new TextDecoder().decode((await getManifest(registryUrl, f.repository, f.digest)).bytes)) as {
			manifests: { platform: { os: string; 'os.version'?: string } }[];
		};
		expect(index.manifests.find((m) => m.platform.os === 'windows')?.platform['os.version']).toBe('10.0.20348.2113');
		const digests = new Set(Object.values(f.children).map((c) => c.digest));
		expect(digests.size).toBe(4);
	});

	test('buildx-attestations: attestations are unknown/unknown and skopeo skips them', async () => {
		const f = fixtures['buildx-attestations'];
		expect(f.platforms).toEqual(['linux/amd64', 'linux/arm64']);
		expect(f.attestations).toHaveLength(2);
		const index = JSON.parse(new TextDecoder().decode((await getManifest(registryUrl, f.repository, f.digest)).bytes)) as {
			manifests: { digest: string; platform: { os: string; architecture: string }; annotations?: Record<string, string> }[];
		};
		for (const a of f.attestations ?? []) {
			const entry = index.manifests.find((m) => m.digest === a.digest)!;
			expect(entry.platform).toEqual({ architecture: 'unknown', os: 'unknown' });
			expect(entry.annotations?.['vnd.docker.reference.type']).toBe('attestation-manifest');
			expect(entry.annotations?.['vnd.docker.reference.digest']).toBe(f.children[a.platform]!.digest);
			const att = JSON.parse(new TextDecoder().decode((await getManifest(registryUrl, f.repository, a.digest)).bytes)) as {
				layers: { mediaType: string }[];
			};
			expect(att.layers.map((l) => l.mediaType)).toEqual(['application/vnd.in-toto+json']);
		}
	});

	test('many-tags lists a few hundred tags through skopeo', async () => {
		const f = fixtures['many-tags'];
		expect(f.tags.length).toBeGreaterThanOrEqual(300);
		const out = (await skopeoInspect(f.ref)) as SkopeoOutput;
		expect(out.RepoTags).toHaveLength(f.tags.length);
		expect([...(out.RepoTags ?? [])].sort()).toEqual([...f.tags].sort());
	});

	test('the artifact has the empty config and artifactType', async () => {
		const f = fixtures['artifact-empty-config'];
		expect(f.kind).toBe('artifact');
		expect(f.configDigest).toBe('sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
		expect(f.artifactType).toBe('application/vnd.example.report.v1+json');
		const config = await getBlob(registryUrl, f.repository, f.configDigest);
		expect(new TextDecoder().decode(config)).toBe('{}');
	});
});
