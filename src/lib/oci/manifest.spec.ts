import { describe, it, expect } from 'vitest';
import { computeDigest } from './digest';
import { MAX_INDEX_ENTRIES, parseManifest } from './manifest';
import { DOCKER_MANIFEST_LIST, OCI_CONFIG, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST } from './media-types';
import { verifyBytes } from './verify';

const enc = new TextEncoder();
const D = (c: string) => `sha256:${c.repeat(64)}`;
const layer = (c: string, size = 10) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: D(c), size });
const image = (overrides: Record<string, unknown> = {}) => ({
	schemaVersion: 2,
	mediaType: OCI_MANIFEST,
	config: { mediaType: OCI_CONFIG, digest: D('c'), size: 100 },
	layers: [layer('1'), layer('2'), layer('3')],
	...overrides
});

/** Parses JSON the way the app does: verified bytes first (computed here), then the parser. */
async function parse(value: unknown, contentType: string | null = null) {
	const bytes = enc.encode(JSON.stringify(value));
	return parseManifest(await verifyBytes(bytes, await computeDigest(bytes)), contentType);
}

describe('parseManifest: image manifests', () => {
	it('parses every field into the model', async () => {
		const { manifest, mediaType, sniffed } = await parse(
			image({
				artifactType: 'application/example',
				annotations: { 'org.opencontainers.image.title': 'x' },
				subject: { mediaType: OCI_MANIFEST, digest: D('5'), size: 7 },
				layers: [{ ...layer('1'), urls: ['https://example.com/l'], annotations: { a: 'b' } }]
			}),
			OCI_MANIFEST
		);
		expect(mediaType).toBe(OCI_MANIFEST);
		expect(sniffed).toBe(false);
		expect(manifest).toEqual({
			kind: 'image',
			mediaType: OCI_MANIFEST,
			schemaVersion: 2,
			artifactType: 'application/example',
			annotations: { 'org.opencontainers.image.title': 'x' },
			subject: { mediaType: OCI_MANIFEST, digest: D('5'), size: 7 },
			config: { mediaType: OCI_CONFIG, digest: D('c'), size: 100 },
			layers: [{ ...layer('1'), urls: ['https://example.com/l'], annotations: { a: 'b' } }]
		});
	});

	it('treats null optional fields as absent', async () => {
		const { manifest } = await parse(image({ annotations: null, subject: null, layers: [{ ...layer('1'), urls: null }] }));
		expect(manifest).not.toHaveProperty('annotations');
		expect(manifest).not.toHaveProperty('subject');
		expect(manifest.kind === 'image' && manifest.layers[0]).not.toHaveProperty('urls');
	});

	it.each([
		[image({ schemaVersion: 3 }), 'manifest field schemaVersion must be 2'],
		[image({ config: undefined }), 'manifest field config is missing'],
		[image({ layers: undefined }), 'manifest field layers is missing'],
		[image({ layers: {} }), 'manifest field layers must be an array'],
		[
			image({ layers: [layer('1'), layer('2'), { ...layer('3'), size: -1 }] }),
			'manifest field layers[2].size must be a non-negative integer'
		],
		[image({ layers: [{ ...layer('1'), size: 1.5 }] }), 'manifest field layers[0].size must be a non-negative integer'],
		[image({ layers: [{ ...layer('1'), size: '10' }] }), 'manifest field layers[0].size must be a non-negative integer'],
		[image({ layers: [{ ...layer('1'), mediaType: 5 }] }), 'manifest field layers[0].mediaType must be a string'],
		[image({ layers: [{ ...layer('1'), digest: 'sha256:nothex' }] }), 'manifest field layers[0].digest'],
		[image({ config: { mediaType: OCI_CONFIG, digest: D('c') } }), 'manifest field config.size is missing'],
		[image({ annotations: { a: 1 } }), 'manifest field annotations.a must be a string'],
		[image({ annotations: { 'org.x': 1 } }), 'manifest field annotations.org.x must be a string'],
		[image({ layers: [{ ...layer('1'), urls: 'https://x' }] }), 'manifest field layers[0].urls must be an array']
	])('rejects %#: %s', async (value, message) => {
		await expect(parse(value)).rejects.toMatchObject({ code: 'INVALID_MANIFEST', message: expect.stringContaining(message) });
	});

	it('refuses a digest algorithm it cannot verify', async () => {
		await expect(parse(image({ layers: [{ ...layer('1'), digest: `blake3:${'a'.repeat(64)}` }] }))).rejects.toMatchObject({
			code: 'UNSUPPORTED_DIGEST',
			message: expect.stringContaining('layers[0].digest')
		});
	});
});

describe('parseManifest: indexes', () => {
	const entry = (c: string, platform?: unknown) => ({ mediaType: OCI_MANIFEST, digest: D(c), size: 500, platform });

	it('parses entries with their platforms', async () => {
		const { manifest } = await parse({
			schemaVersion: 2,
			mediaType: OCI_INDEX,
			manifests: [
				entry('1', { architecture: 'arm64', os: 'linux', variant: 'v8', 'os.features': ['x'] }),
				entry('2', { architecture: 'amd64', os: 'windows', 'os.version': '10.0.20348.1' }),
				entry('3')
			]
		});
		expect(manifest.kind).toBe('index');
		expect(manifest.kind === 'index' && manifest.manifests.map((m) => m.platform)).toEqual([
			{ architecture: 'arm64', os: 'linux', variant: 'v8', 'os.features': ['x'] },
			{ architecture: 'amd64', os: 'windows', 'os.version': '10.0.20348.1' },
			undefined
		]);
	});

	it('names bad platform fields', async () => {
		await expect(
			parse({ schemaVersion: 2, mediaType: DOCKER_MANIFEST_LIST, manifests: [entry('1', { os: 'linux' })] })
		).rejects.toMatchObject({
			code: 'INVALID_MANIFEST',
			message: 'manifest field manifests[0].platform.architecture is missing'
		});
	});

	it(`refuses more than ${MAX_INDEX_ENTRIES} entries`, async () => {
		const manifests = Array.from({ length: MAX_INDEX_ENTRIES + 1 }, () => entry('1'));
		await expect(parse({ schemaVersion: 2, mediaType: OCI_INDEX, manifests })).rejects.toMatchObject({ code: 'MANIFEST_TOO_LARGE' });
		const ok = await parse({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: manifests.slice(1) });
		expect(ok.manifest.kind === 'index' && ok.manifest.manifests.length).toBe(MAX_INDEX_ENTRIES);
	});
});

describe('embedded descriptor data', () => {
	const empty = { mediaType: OCI_EMPTY, digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 };

	it('accepts data that matches digest and size', async () => {
		const { manifest } = await parse(image({ config: { ...empty, data: 'e30=' } }));
		expect(manifest.kind === 'image' && manifest.config.data).toBe('e30=');
	});

	it.each([
		[{ ...empty, data: 'e3w=' }, /config\.data hashes to/],
		[{ ...empty, data: 'e30gCg==' }, /config\.data holds 4 bytes/],
		[{ ...empty, data: 'not base64!' }, /config\.data must be standard base64/]
	])('rejects %j', async (config, message) => {
		await expect(parse(image({ config }))).rejects.toMatchObject({ code: 'INVALID_MANIFEST', message: expect.stringMatching(message) });
	});
});
