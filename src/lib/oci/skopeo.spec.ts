import { describe, it, expect } from 'vitest';
import { computeDigest } from './digest';
import { RegscopeError } from './errors';
import { inspect, inspectAny, type RegistrySource } from './inspect';
import { OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST } from './media-types';
import type { Descriptor, Digest, UntrustedObject } from './model';
import { parseReference } from './reference';
import { toSkopeoInspect } from './skopeo';

const D = (c: string) => `sha256:${c.repeat(64)}` as Digest;

/** Objects by digest (and tag); the header is always right here, verify.spec covers the rest. */
function source(objects: Map<string, { bytes: Uint8Array; contentType: string }>): RegistrySource {
	const get = async (key: string): Promise<UntrustedObject> => {
		const o = objects.get(key);
		if (!o) throw new RegscopeError('NOT_FOUND', key);
		return { ...o, dockerContentDigest: await computeDigest(o.bytes) };
	};
	return { manifest: get, blob: (d: Descriptor) => get(d.digest) };
}

async function put(objects: Map<string, { bytes: Uint8Array; contentType: string }>, value: unknown, contentType: string, tag?: string) {
	const bytes = new TextEncoder().encode(JSON.stringify(value));
	const digest = await computeDigest(bytes);
	objects.set(digest, { bytes, contentType });
	if (tag) objects.set(tag, { bytes, contentType });
	return { digest, size: bytes.length };
}

const layers: Descriptor[] = [
	{ mediaType: OCI_LAYER_GZIP, digest: D('1'), size: 100 },
	{ mediaType: OCI_LAYER_GZIP, digest: D('2'), size: 20, annotations: { 'org.opencontainers.image.title': 'app' } }
];

async function fixture(config: Record<string, unknown>) {
	const objects = new Map<string, { bytes: Uint8Array; contentType: string }>();
	const cfg = await put(objects, config, 'application/octet-stream');
	const image = await put(
		objects,
		{ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_CONFIG, ...cfg }, layers },
		OCI_MANIFEST,
		'single'
	);
	const index = await put(
		objects,
		{
			schemaVersion: 2,
			mediaType: OCI_INDEX,
			manifests: [
				{ mediaType: OCI_MANIFEST, ...image, platform: { os: 'linux', architecture: 'amd64' } },
				{
					mediaType: OCI_MANIFEST,
					digest: D('7'),
					size: 9,
					platform: { os: 'unknown', architecture: 'unknown' },
					annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': image.digest }
				}
			]
		},
		OCI_INDEX,
		'multi'
	);
	return { registry: source(objects), cfg, image, index };
}

const fullConfig = {
	created: '2024-03-01T12:34:56.789012345Z',
	architecture: 'amd64',
	os: 'linux',
	docker_version: '24.0.7',
	config: { Env: ['PATH=/bin'], Labels: { a: '<b>' } },
	rootfs: { type: 'layers', diff_ids: [D('a'), D('b')] },
	history: [{ created_by: 'ADD' }, { created_by: 'ENV', empty_layer: true }, { created_by: 'COPY' }]
};

describe('toSkopeoInspect', () => {
	it('gives the index digest as Digest and the chosen image as the rest', async () => {
		const { registry, cfg, image, index } = await fixture(fullConfig);
		const ref = parseReference('localhost:5000/team/app:multi');
		const out = toSkopeoInspect(await inspect(registry, ref), ['multi', 'single']);
		expect(out).toEqual({
			Name: 'localhost:5000/team/app',
			Digest: index.digest,
			RepoTags: ['multi', 'single'],
			Created: '2024-03-01T12:34:56.789012345Z',
			DockerVersion: '24.0.7',
			Labels: { a: '<b>' },
			Architecture: 'amd64',
			Os: 'linux',
			Layers: [D('1'), D('2')],
			LayersData: [
				{ MIMEType: OCI_LAYER_GZIP, Digest: D('1'), Size: 100, Annotations: null },
				{ MIMEType: OCI_LAYER_GZIP, Digest: D('2'), Size: 20, Annotations: { 'org.opencontainers.image.title': 'app' } }
			],
			Env: ['PATH=/bin'],
			Variant: '',
			OsVersion: '',
			MediaType: OCI_INDEX,
			ManifestDigest: image.digest,
			ConfigDigest: cfg.digest,
			Platforms: [
				{ Platform: 'linux/amd64', Digest: image.digest, MediaType: OCI_MANIFEST, Size: image.size, Attestation: false },
				{ Platform: 'unknown/unknown', Digest: D('7'), MediaType: OCI_MANIFEST, Size: 9, Attestation: true }
			],
			Manifests: [
				{
					Digest: image.digest,
					MediaType: OCI_MANIFEST,
					Size: image.size,
					ArtifactType: null,
					Annotations: null,
					Label: 'linux/amd64',
					Selectable: true
				},
				{
					Digest: D('7'),
					MediaType: OCI_MANIFEST,
					Size: 9,
					ArtifactType: null,
					Annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': image.digest },
					Label: 'unknown/unknown',
					Selectable: false
				}
			],
			History: [
				{ Created: null, CreatedBy: 'ADD', Comment: null, EmptyLayer: false, Layer: D('1'), Size: 100, DiffID: D('a') },
				{ Created: null, CreatedBy: 'ENV', Comment: null, EmptyLayer: true, Layer: null, Size: null, DiffID: null },
				{ Created: null, CreatedBy: 'COPY', Comment: null, EmptyLayer: false, Layer: D('2'), Size: 20, DiffID: D('b') }
			],
			HistoryAligned: true,
			LayersSize: 120,
			Warnings: []
		});
		expect(Object.keys(out).slice(0, 11)).toEqual([
			'Name',
			'Digest',
			'RepoTags',
			'Created',
			'DockerVersion',
			'Labels',
			'Architecture',
			'Os',
			'Layers',
			'LayersData',
			'Env'
		]);
	});

	it('gives the manifest digest as Digest for a single image', async () => {
		const { registry, image } = await fixture(fullConfig);
		const out = toSkopeoInspect(await inspect(registry, parseReference('localhost:5000/team/app:single')), null);
		expect(out.Digest).toBe(image.digest);
		expect(out.ManifestDigest).toBe(image.digest);
		expect(out.MediaType).toBe(OCI_MANIFEST);
		expect(out.RepoTags).toEqual([]);
		expect(out.Platforms).toEqual([]);
		expect(out).not.toHaveProperty('Manifests');
	});

	it('answers an index without platforms with its own digest and entries', async () => {
		const objects = new Map<string, { bytes: Uint8Array; contentType: string }>();
		const sbom = {
			mediaType: OCI_MANIFEST,
			digest: D('5'),
			size: 5,
			artifactType: 'application/spdx+json',
			annotations: { 'org.opencontainers.image.ref.name': 'sbom' }
		};
		const index = await put(
			objects,
			{ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [sbom, { mediaType: OCI_INDEX, digest: D('6'), size: 6 }] },
			OCI_INDEX,
			'refs'
		);
		const out = toSkopeoInspect(await inspectAny(source(objects), parseReference('localhost:5000/team/app:refs')), ['refs']);
		expect(out).toMatchObject({
			Digest: index.digest,
			MediaType: OCI_INDEX,
			ManifestDigest: '',
			ConfigDigest: '',
			Layers: [],
			LayersData: [],
			Created: null,
			Architecture: '',
			Os: '',
			LayersSize: null,
			History: []
		});
		expect(out.Manifests).toEqual([
			{
				Digest: D('5'),
				MediaType: OCI_MANIFEST,
				Size: 5,
				ArtifactType: 'application/spdx+json',
				Annotations: sbom.annotations,
				Label: 'sbom',
				Selectable: false
			},
			{ Digest: D('6'), MediaType: OCI_INDEX, Size: 6, ArtifactType: null, Annotations: null, Label: 'OCI image index', Selectable: false }
		]);
		expect(out.Platforms.map((p) => p.Platform)).toEqual([null, null]);
	});

	it('uses null and "" exactly where skopeo does when the config lacks values', async () => {
		const { registry } = await fixture({
			architecture: 'arm64',
			os: 'linux',
			variant: 'v8',
			rootfs: { type: 'layers', diff_ids: [D('a'), D('b')] }
		});
		const out = toSkopeoInspect(await inspect(registry, parseReference('localhost:5000/team/app:single')), []);
		expect(out).toMatchObject({ Created: null, DockerVersion: '', Labels: null, Env: null, Variant: 'v8', HistoryAligned: false });
		expect(out.Warnings).toEqual([expect.stringContaining('no history')]);
	});

	it('fills what exists for an artifact', async () => {
		const objects = new Map<string, { bytes: Uint8Array; contentType: string }>();
		await put(
			objects,
			{
				schemaVersion: 2,
				mediaType: OCI_MANIFEST,
				artifactType: 'application/x',
				config: {
					mediaType: 'application/vnd.oci.empty.v1+json',
					digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
					size: 2
				},
				layers
			},
			OCI_MANIFEST,
			'sig'
		);
		const out = toSkopeoInspect(await inspect(source(objects), parseReference('localhost:5000/team/app:sig')), null);
		expect(out).toMatchObject({
			Architecture: '',
			Os: '',
			Created: null,
			Labels: null,
			Env: null,
			ConfigDigest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
			Layers: [D('1'), D('2')]
		});
		expect(out.History.map((h) => h.Layer)).toEqual([D('1'), D('2')]);
	});
});
