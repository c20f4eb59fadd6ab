import { describe, it, expect } from 'vitest';
import { computeDigest } from './digest';
import { RegscopeError } from './errors';
import { inspect, inspectAny, type InspectProgress, type RegistrySource } from './inspect';
import {
	DOCKER_CONFIG,
	DOCKER_LAYER_GZIP,
	DOCKER_MANIFEST,
	DOCKER_MANIFEST_LIST,
	DOCKER_SCHEMA1,
	DOCKER_SCHEMA1_SIGNED,
	OCI_CONFIG,
	OCI_INDEX,
	OCI_LAYER_GZIP,
	OCI_MANIFEST
} from './media-types';
import type { Descriptor, Digest, Platform, UntrustedObject } from './model';
import { parseReference } from './reference';

const enc = new TextEncoder();
const D = (c: string) => `sha256:${c.repeat(64)}` as Digest;

interface Stored {
	bytes: Uint8Array;
	contentType: string | null;
	header: string | null | 'computed';
}

/**
 * A registry made of hand-built JSON objects. Digests are computed here with hash-wasm, like a
 * registry computes them on push. `tamper` changes stored bytes after the fact.
 */
class TestRegistry implements RegistrySource {
	readonly requests: string[] = [];
	private readonly objects = new Map<string, Stored>();

	async put(value: unknown, contentType: string | null, options: { tag?: string; header?: string | null } = {}) {
		const bytes = enc.encode(JSON.stringify(value, null, 2));
		const digest = await computeDigest(bytes);
		const stored: Stored = { bytes, contentType, header: options.header === undefined ? 'computed' : options.header };
		this.objects.set(digest, stored);
		if (options.tag) this.objects.set(options.tag, stored);
		return { digest, size: bytes.length };
	}

	tamper(key: string, change: (bytes: Uint8Array) => Uint8Array = flipByte) {
		const stored = this.objects.get(key);
		if (!stored) throw new Error(`nothing stored under ${key}`);
		stored.bytes = change(stored.bytes);
	}

	private async get(key: string): Promise<UntrustedObject> {
		const stored = this.objects.get(key);
		if (!stored) throw new RegscopeError('NOT_FOUND', `${key} not found`);
		const header = stored.header === 'computed' ? await computeDigest(stored.bytes) : stored.header;
		return { bytes: stored.bytes, contentType: stored.contentType, dockerContentDigest: header };
	}

	manifest(target: string) {
		this.requests.push(`manifest ${target}`);
		return this.get(target);
	}

	blob(d: Descriptor) {
		this.requests.push(`blob ${d.digest}`);
		return this.get(d.digest);
	}
}

function flipByte(bytes: Uint8Array): Uint8Array {
	const copy = bytes.slice();
	const at = copy.indexOf(0x61); // an "a" inside a string: still valid JSON, other digest
	copy[at] = 0x62;
	return copy;
}

const layer = (c: string, size: number, mediaType = OCI_LAYER_GZIP): Descriptor => ({ mediaType, digest: D(c), size });

/** Pushes a config and an image manifest; returns the manifest's descriptor for an index. */
async function pushImage(
	registry: TestRegistry,
	platform: Platform,
	options: {
		tag?: string;
		docker?: boolean;
		layers?: Descriptor[];
		history?: unknown[];
		header?: string | null;
		contentType?: string | null;
	} = {}
) {
	const layers = options.layers ?? [layer('1', 1000), layer('2', 234)];
	const configType = options.docker ? DOCKER_CONFIG : OCI_CONFIG;
	const manifestType = options.docker ? DOCKER_MANIFEST : OCI_MANIFEST;
	const config = await registry.put(
		{
			created: '2024-03-01T12:34:56.789012345Z',
			...platform,
			config: { Env: ['PATH=/usr/local/bin:/usr/bin'], Labels: { arch: platform.architecture } },
			rootfs: { type: 'layers', diff_ids: layers.map((_, i) => D(String.fromCharCode(97 + i))) },
			history: options.history ?? layers.map((_, i) => ({ created_by: `step ${i}` }))
		},
		'application/octet-stream'
	);
	const manifest = await registry.put(
		{ schemaVersion: 2, mediaType: manifestType, config: { mediaType: configType, ...config }, layers },
		options.contentType === undefined ? manifestType : options.contentType,
		{ tag: options.tag, header: options.header }
	);
	return { mediaType: manifestType, ...manifest, platform, configDigest: config.digest };
}

/** A buildx-style index: amd64, arm64/v8, and an attestation for each. */
async function pushBuildx(registry: TestRegistry, tag = 'multi') {
	const amd64 = await pushImage(registry, { os: 'linux', architecture: 'amd64' });
	const arm64 = await pushImage(registry, { os: 'linux', architecture: 'arm64', variant: 'v8' }, { layers: [layer('3', 500)] });
	const attestation = (of: string) => ({
		mediaType: OCI_MANIFEST,
		digest: D('e'),
		size: 1,
		platform: { architecture: 'unknown', os: 'unknown' },
		annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': of }
	});
	const strip = ({ configDigest: _, ...d }: typeof amd64) => d;
	const index = await registry.put(
		{
			schemaVersion: 2,
			mediaType: OCI_INDEX,
			manifests: [strip(amd64), strip(arm64), attestation(amd64.digest), attestation(arm64.digest)]
		},
		OCI_INDEX,
		{ tag }
	);
	return { amd64, arm64, index };
}

describe('inspect a single-platform image', () => {
	it('verifies manifest and config and builds the timeline', async () => {
		const registry = new TestRegistry();
		const image = await pushImage(registry, { os: 'linux', architecture: 'amd64' }, { tag: '1.0' });
		const result = await inspect(registry, parseReference('localhost:5000/app:1.0'));

		expect(registry.requests).toEqual(['manifest 1.0', `blob ${image.configDigest}`]);
		expect(result.index).toBeUndefined();
		expect(result.chosen).toBeUndefined();
		expect(result.platforms).toEqual([]);
		expect(result.manifest.verification).toEqual({
			basis: 'header',
			digest: image.digest,
			size: image.size,
			headerDigest: image.digest,
			headerAgrees: true
		});
		expect(result.config?.verification).toMatchObject({ basis: 'parent', digest: image.configDigest });
		expect(result.config?.config.config.Labels).toEqual({ arch: 'amd64' });
		expect(result.timeline.aligned).toBe(true);
		expect(result.timeline.rows.map((r) => r.history?.created_by)).toEqual(['step 0', 'step 1']);
		expect(result.totalLayerSize).toBe(1234);
		expect(result.warnings).toEqual([]);
	});

	it('verifies a pinned reference and fails when the registry serves other bytes', async () => {
		const registry = new TestRegistry();
		const image = await pushImage(registry, { os: 'linux', architecture: 'amd64' });
		const ref = parseReference(`localhost:5000/app:label@${image.digest}`);
		const ok = await inspect(registry, ref);
		expect(registry.requests[0]).toBe(`manifest ${image.digest}`);
		expect(ok.manifest.verification).toMatchObject({ basis: 'pinned', expected: image.digest, digest: image.digest });

		registry.tamper(image.digest);
		await expect(inspect(registry, ref)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH', details: { expected: image.digest } });
	});

	it('fails on a tampered config blob', async () => {
		const registry = new TestRegistry();
		const image = await pushImage(registry, { os: 'linux', architecture: 'amd64' }, { tag: 't' });
		registry.tamper(image.configDigest);
		await expect(inspect(registry, parseReference('localhost:5000/app:t'))).rejects.toMatchObject({
			code: 'DIGEST_MISMATCH',
			details: { expected: image.configDigest },
			message: expect.stringContaining('image config')
		});
	});

	it.each([
		[null, 'no Docker-Content-Digest'],
		[D('0'), `(${D('0')}) does not match the bytes it sent`]
	])('warns about a header %s', async (header, warning) => {
		const registry = new TestRegistry();
		await pushImage(registry, { os: 'linux', architecture: 'amd64' }, { tag: 't', header });
		const result = await inspect(registry, parseReference('localhost:5000/app:t'));
		expect(result.warnings).toHaveLength(1);
		expect(result.warnings[0]).toContain(warning);
	});

	it('warns when the type was sniffed from the body', async () => {
		const registry = new TestRegistry();
		await pushImage(registry, { os: 'linux', architecture: 'amd64' }, { tag: 't', contentType: 'text/plain', docker: true });
		const result = await inspect(registry, parseReference('localhost:5000/app:t'));
		expect(result.manifest.sniffed).toBe(true);
		expect(result.manifest.mediaType).toBe(DOCKER_MANIFEST);
		expect(result.warnings).toEqual([expect.stringContaining('recognised it from its content as Docker image manifest')]);
	});

	it('warns about unaligned history and foreign layers, never fetching their URLs', async () => {
		const registry = new TestRegistry();
		const foreign = {
			...layer('4', 4000, 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip'),
			urls: ['https://mcr.example/layer']
		};
		await pushImage(
			registry,
			{ os: 'windows', architecture: 'amd64' },
			{ tag: 't', docker: true, layers: [foreign, layer('5', 5, DOCKER_LAYER_GZIP)], history: [{ created_by: 'only one' }] }
		);
		const result = await inspect(registry, parseReference('localhost:5000/app:t'));
		expect(registry.requests).toHaveLength(2);
		expect(result.timeline.aligned).toBe(false);
		expect(result.warnings).toEqual([
			expect.stringContaining('lists 1 history entry that creates layers, but the manifest has 2 layers'),
			expect.stringContaining('https://mcr.example/layer')
		]);
		expect(result.warnings[0]).toContain('listed separately');
	});
});

describe('inspect an index', () => {
	it('chooses linux/amd64 by default, skipping attestations', async () => {
		const registry = new TestRegistry();
		const { amd64, index } = await pushBuildx(registry);
		const result = await inspect(registry, parseReference('localhost:5000/app:multi'));
		expect(registry.requests).toEqual(['manifest multi', `manifest ${amd64.digest}`, `blob ${amd64.configDigest}`]);
		expect(result.index?.verification.digest).toBe(index.digest);
		expect(result.chosen?.label).toBe('linux/amd64');
		expect(result.platforms.map((p) => [p.label, p.attestation])).toEqual([
			['linux/amd64', false],
			['linux/arm64/v8', false],
			['unknown/unknown', true],
			['unknown/unknown (2)', true]
		]);
		expect(result.platforms[2]?.attests).toBe(amd64.digest);
		expect(result.manifest.verification).toMatchObject({ basis: 'parent', digest: amd64.digest, expected: amd64.digest });
		expect(result.config?.config.architecture).toBe('amd64');
		expect(result.warnings).toEqual([]);
	});

	it.each(['linux/arm64', 'linux/arm64/v8', 'linux/aarch64'])('chooses %s on request', async (platform) => {
		const registry = new TestRegistry();
		const { arm64 } = await pushBuildx(registry);
		const result = await inspect(registry, parseReference('localhost:5000/app:multi'), { platform });
		expect(result.manifest.verification.digest).toBe(arm64.digest);
		expect(result.config?.config.variant).toBe('v8');
		expect(result.totalLayerSize).toBe(500);
	});

	it('reports each verified manifest before the config is fetched, and nothing after a mismatch', async () => {
		const registry = new TestRegistry();
		const { amd64, arm64, index } = await pushBuildx(registry);
		const seen: string[] = [];
		const onProgress = (p: InspectProgress) =>
			seen.push(
				`${p.top.verification.digest} ${p.platforms.length} ${p.chosen?.label ?? '-'} ${p.image?.verification.digest ?? '-'} after ${registry.requests.length}`
			);
		await inspect(registry, parseReference('localhost:5000/app:multi'), { onProgress });
		expect(seen).toEqual([`${index.digest} 4 - - after 1`, `${index.digest} 4 linux/amd64 ${amd64.digest} after 2`]);

		seen.length = 0;
		registry.tamper(arm64.digest);
		await expect(
			inspect(registry, parseReference('localhost:5000/app:multi'), { platform: 'linux/arm64', onProgress })
		).rejects.toMatchObject({
			code: 'DIGEST_MISMATCH'
		});
		expect(seen).toEqual([`${index.digest} 4 - - after 4`]);
	});

	it('fails on a tampered child and returns no Inspection', async () => {
		const registry = new TestRegistry();
		const { arm64 } = await pushBuildx(registry);
		registry.tamper(arm64.digest);
		await expect(inspect(registry, parseReference('localhost:5000/app:multi'), { platform: 'linux/arm64' })).rejects.toMatchObject({
			code: 'DIGEST_MISMATCH',
			details: { expected: arm64.digest, size: arm64.size }
		});
		expect(registry.requests).not.toContain(`blob ${arm64.configDigest}`);
	});

	it('fails on a child whose size differs from the index entry', async () => {
		const registry = new TestRegistry();
		const { amd64 } = await pushBuildx(registry);
		registry.tamper(amd64.digest, (b) => new Uint8Array([...b, 0x0a]));
		await expect(inspect(registry, parseReference('localhost:5000/app:multi'))).rejects.toMatchObject({ code: 'SIZE_MISMATCH' });
	});

	it('fails on a tampered index fetched by digest', async () => {
		const registry = new TestRegistry();
		const { index } = await pushBuildx(registry);
		registry.tamper(index.digest);
		await expect(inspect(registry, parseReference(`localhost:5000/app@${index.digest}`))).rejects.toMatchObject({
			code: 'DIGEST_MISMATCH'
		});
	});

	it('errors like skopeo when the index has no linux/amd64 and no platform was asked for', async () => {
		const registry = new TestRegistry();
		const arm = await pushImage(registry, { os: 'linux', architecture: 'arm64', variant: 'v8' });
		await registry.put(
			{
				schemaVersion: 2,
				mediaType: OCI_INDEX,
				manifests: [{ mediaType: arm.mediaType, digest: arm.digest, size: arm.size, platform: arm.platform }]
			},
			OCI_INDEX,
			{ tag: 'arm' }
		);
		await expect(inspect(registry, parseReference('localhost:5000/app:arm'))).rejects.toMatchObject({
			code: 'NO_MATCHING_PLATFORM',
			message: expect.stringContaining(
				'no linux/amd64 image in this index, and regscope never substitutes another architecture or variant; it has: linux/arm64/v8'
			)
		});
		expect(registry.requests).toEqual(['manifest arm']);
	});

	it('rejects a malformed platform before any request', async () => {
		const registry = new TestRegistry();
		await expect(inspect(registry, parseReference('localhost:5000/app:multi'), { platform: 'arm64' })).rejects.toMatchObject({
			code: 'INVALID_PLATFORM'
		});
		expect(registry.requests).toEqual([]);
	});

	it('follows a Docker manifest list to a Docker image', async () => {
		const registry = new TestRegistry();
		const image = await pushImage(registry, { os: 'linux', architecture: 'amd64' }, { docker: true });
		await registry.put(
			{
				schemaVersion: 2,
				mediaType: DOCKER_MANIFEST_LIST,
				manifests: [{ mediaType: DOCKER_MANIFEST, digest: image.digest, size: image.size, platform: image.platform }]
			},
			DOCKER_MANIFEST_LIST,
			{ tag: 'list' }
		);
		const result = await inspect(registry, parseReference('localhost:5000/app:list'));
		expect(result.index?.mediaType).toBe(DOCKER_MANIFEST_LIST);
		expect(result.manifest.mediaType).toBe(DOCKER_MANIFEST);
	});

	it('follows nested indexes, but not deeper than 4', async () => {
		const registry = new TestRegistry();
		const image = await pushImage(registry, { os: 'linux', architecture: 'amd64' });
		const platform = { os: 'linux', architecture: 'amd64' };
		let child: { mediaType: string; digest: string; size: number } = image;
		for (let level = 1; level <= 5; level++) {
			const index = await registry.put(
				{
					schemaVersion: 2,
					mediaType: OCI_INDEX,
					manifests: [{ mediaType: child.mediaType, digest: child.digest, size: child.size, platform }]
				},
				OCI_INDEX,
				{ tag: `level${level}` }
			);
			child = { mediaType: OCI_INDEX, ...index };
		}
		const nested = await inspect(registry, parseReference('localhost:5000/app:level4'));
		expect(nested.manifest.verification.digest).toBe(image.digest);
		expect(nested.index?.manifest.manifests[0]?.mediaType).toBe(OCI_INDEX);
		expect(nested.platforms[0]?.nestedIndex).toBe(true);
		// Every level below the top is kept, verified against its parent's entry.
		expect(nested.nested?.map((n) => [n.index.verification.basis, n.chosen.label])).toEqual([
			['parent', 'linux/amd64'],
			['parent', 'linux/amd64'],
			['parent', 'linux/amd64']
		]);

		await expect(inspect(registry, parseReference('localhost:5000/app:level5'))).rejects.toMatchObject({
			code: 'INVALID_MANIFEST',
			message: expect.stringContaining('nested more than 4 levels')
		});
	});

	it('inspects an unsigned schema1 child of an index, and refuses an empty signatures array', async () => {
		const registry = new TestRegistry();
		const v1 = (id: string, extra: Record<string, unknown> = {}) => ({ v1Compatibility: JSON.stringify({ id: id.repeat(64), ...extra }) });
		const schema1 = await registry.put(
			{
				schemaVersion: 1,
				name: 'app',
				tag: 'x',
				architecture: 'amd64',
				fsLayers: [{ blobSum: D('2') }, { blobSum: D('1') }],
				history: [v1('b', { parent: 'a'.repeat(64), os: 'linux', architecture: 'amd64' }), v1('a')]
			},
			DOCKER_SCHEMA1
		);
		await registry.put(
			{
				schemaVersion: 2,
				mediaType: DOCKER_MANIFEST_LIST,
				manifests: [{ mediaType: DOCKER_SCHEMA1, ...schema1, platform: { os: 'linux', architecture: 'amd64' } }]
			},
			DOCKER_MANIFEST_LIST,
			{ tag: 'old' }
		);
		const result = await inspect(registry, parseReference('localhost:5000/app:old'));
		expect(result.format).toBe('schema1');
		expect(result.index?.verification.digest).toBeDefined();
		expect(result.manifest.verification).toMatchObject({ basis: 'parent', digest: schema1.digest });
		expect(result.manifest.manifest.kind === 'schema1' && result.manifest.manifest.layers.map((l) => l.digest)).toEqual([D('1'), D('2')]);
		expect(result.config).toBeNull();
		expect(result.totalLayerSize).toBeNull();

		const broken = await registry.put(
			{ schemaVersion: 1, name: 'app', tag: 'x', fsLayers: [], history: [], signatures: [] },
			DOCKER_SCHEMA1_SIGNED,
			{ tag: 'broken' }
		);
		expect(broken.size).toBeGreaterThan(0);
		await expect(inspect(registry, parseReference('localhost:5000/app:broken'))).rejects.toMatchObject({
			code: 'INVALID_MANIFEST',
			message: expect.stringContaining('signatures is empty')
		});
	});

	it('warns when an index entry names another type than the child has', async () => {
		const registry = new TestRegistry();
		const image = await pushImage(registry, { os: 'linux', architecture: 'amd64' });
		await registry.put(
			{
				schemaVersion: 2,
				mediaType: OCI_INDEX,
				manifests: [{ mediaType: DOCKER_MANIFEST, digest: image.digest, size: image.size, platform: image.platform }]
			},
			OCI_INDEX,
			{ tag: 'x' }
		);
		const result = await inspect(registry, parseReference('localhost:5000/app:x'));
		expect(result.warnings).toEqual([expect.stringContaining('says Docker image manifest, but the registry served OCI image manifest')]);
	});
});

describe('inspect an index without platforms', () => {
	async function pushArtifactIndex(registry: TestRegistry) {
		const image = await pushImage(registry, { os: 'linux', architecture: 'amd64' });
		const sbom = { mediaType: OCI_MANIFEST, digest: image.digest, size: image.size, artifactType: 'application/spdx+json' };
		const inner = await registry.put({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [sbom] }, OCI_INDEX);
		const index = await registry.put(
			{
				schemaVersion: 2,
				mediaType: OCI_INDEX,
				manifests: [sbom, { mediaType: OCI_INDEX, ...inner, annotations: { 'org.opencontainers.image.ref.name': 'inner' } }]
			},
			OCI_INDEX,
			{ tag: 'refs' }
		);
		return { image, inner, index };
	}

	it('answers the index itself, verified, without fetching any entry', async () => {
		const registry = new TestRegistry();
		const { index, inner } = await pushArtifactIndex(registry);
		const progress: InspectProgress[] = [];
		const result = await inspectAny(registry, parseReference('localhost:5000/app:refs'), { onProgress: (p) => progress.push(p) });
		expect(registry.requests).toEqual(['manifest refs']);
		if (result.format !== 'index') throw new Error(`expected the index, got ${result.format}`);
		expect(result.index.verification).toMatchObject({ basis: 'header', digest: index.digest });
		expect(result.platforms.map((e) => [e.label, e.nestedIndex, e.selectable])).toEqual([
			['application/spdx+json', false, false],
			['inner', true, false]
		]);
		expect(result.platforms[1]?.descriptor.digest).toBe(inner.digest);
		expect(progress.map((p) => [p.index?.verification.digest, p.chosen, p.image])).toEqual([[index.digest, undefined, undefined]]);
	});

	it('is NO_MATCHING_PLATFORM listing each entry by digest when a platform is asked for, or through inspect', async () => {
		const registry = new TestRegistry();
		const { image, inner } = await pushArtifactIndex(registry);
		const asked = await inspectAny(registry, parseReference('localhost:5000/app:refs'), { platform: 'linux/amd64' }).then(
			() => expect.unreachable('a platform was asked of an index without platforms'),
			(e: unknown) => e as RegscopeError
		);
		expect(asked.code).toBe('NO_MATCHING_PLATFORM');
		expect(asked.message).toContain(`it has: application/spdx+json (no platform, ${image.digest}), inner (no platform, ${inner.digest})`);
		await expect(inspect(registry, parseReference('localhost:5000/app:refs'))).rejects.toMatchObject({ code: 'NO_MATCHING_PLATFORM' });
	});

	it('opens each entry by its digest', async () => {
		const registry = new TestRegistry();
		const { image, inner } = await pushArtifactIndex(registry);
		const entry = await inspectAny(registry, parseReference(`localhost:5000/app@${image.digest}`));
		expect(entry.format === 'image' && entry.manifest.verification).toMatchObject({ basis: 'pinned', digest: image.digest });
		const nested = await inspectAny(registry, parseReference(`localhost:5000/app@${inner.digest}`));
		expect(nested.format === 'index' && nested.index.verification).toMatchObject({ basis: 'pinned', digest: inner.digest });
	});
});

describe('inspect a config that bends the spec', () => {
	it.each([
		[{}, 'The config has no architecture, os, rootfs (it is empty, as tools write it for artifacts)'],
		[{ architecture: 'amd64', os: 'linux' }, 'The config has no rootfs (it is incomplete); it is shown empty, as skopeo shows it.']
	])('reads %j with a warning naming what is missing', async (body, warning) => {
		const registry = new TestRegistry();
		const config = await registry.put(body, 'application/octet-stream');
		await registry.put(
			{ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_CONFIG, ...config }, layers: [] },
			OCI_MANIFEST,
			{ tag: 'bent' }
		);
		const result = await inspect(registry, parseReference('localhost:5000/app:bent'));
		expect(result.warnings).toEqual([expect.stringContaining(warning)]);
		expect(result.config?.config.rootfs).toEqual({ type: '', diff_ids: [] });
	});
});

describe('inspect an artifact', () => {
	it('shows the manifest with config null and does not fetch the config', async () => {
		const registry = new TestRegistry();
		const helm = 'application/vnd.cncf.helm.config.v1+json';
		await registry.put(
			{
				schemaVersion: 2,
				mediaType: OCI_MANIFEST,
				config: { mediaType: helm, digest: D('9'), size: 120 },
				layers: [layer('8', 3000, 'application/vnd.cncf.helm.chart.content.v1.tar+gzip')]
			},
			OCI_MANIFEST,
			{ tag: 'chart' }
		);
		const result = await inspect(registry, parseReference('localhost:5000/charts/app:chart'));
		expect(result.config).toBeNull();
		expect(registry.requests).toEqual(['manifest chart']);
		expect(result.warnings).toEqual([`artifact: config type ${helm} is not an image config, so it was not parsed.`]);
		expect(result.timeline).toEqual({
			aligned: true,
			rows: [{ layer: layer('8', 3000, 'application/vnd.cncf.helm.chart.content.v1.tar+gzip'), layerIndex: 0 }]
		});
		expect(result.totalLayerSize).toBe(3000);
	});
});
