import { describe, it, expect } from 'vitest';
import {
	DOCKER_CONFIG,
	DOCKER_MANIFEST,
	DOCKER_MANIFEST_LIST,
	DOCKER_SCHEMA1,
	DOCKER_SCHEMA1_SIGNED,
	MANIFEST_ACCEPT,
	OCI_CONFIG,
	OCI_INDEX,
	OCI_MANIFEST,
	classifyManifest,
	describeMediaType,
	isImageConfigType
} from './media-types';

const ociImage = { schemaVersion: 2, config: { mediaType: OCI_CONFIG }, layers: [] };
const dockerImage = { schemaVersion: 2, mediaType: DOCKER_MANIFEST, config: { mediaType: DOCKER_CONFIG }, layers: [] };
const ociIndex = { schemaVersion: 2, manifests: [{ mediaType: OCI_MANIFEST }] };
const dockerList = { schemaVersion: 2, mediaType: DOCKER_MANIFEST_LIST, manifests: [] };

describe('MANIFEST_ACCEPT', () => {
	it('lists every manifest type, schema1 included', () => {
		const listed = MANIFEST_ACCEPT.split(',').map((s) => s.trim());
		expect(listed.sort()).toEqual(
			[OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST, DOCKER_SCHEMA1_SIGNED, DOCKER_SCHEMA1].sort()
		);
	});
});

describe('classifyManifest with a manifest Content-Type', () => {
	it.each([
		[OCI_MANIFEST, ociImage, 'image'],
		[`${OCI_MANIFEST}; charset=utf-8`, ociImage, 'image'],
		[OCI_MANIFEST.toUpperCase(), ociImage, 'image'],
		[OCI_MANIFEST, { ...ociImage, mediaType: OCI_MANIFEST }, 'image'],
		[DOCKER_MANIFEST, dockerImage, 'image'],
		[OCI_INDEX, ociIndex, 'index'],
		[DOCKER_MANIFEST_LIST, dockerList, 'index']
	])('%s → %s', (ct, body, kind) => {
		const c = classifyManifest(ct, body);
		expect(c).toEqual({ mediaType: ct.split(';')[0]?.toLowerCase(), kind, sniffed: false });
	});

	it('rejects a body whose mediaType disagrees with the header', () => {
		expect(() => classifyManifest(OCI_MANIFEST, dockerImage)).toThrow(
			expect.objectContaining({ code: 'INVALID_MANIFEST', message: expect.stringContaining('must agree') })
		);
		expect(() => classifyManifest(OCI_INDEX, dockerList)).toThrow(expect.objectContaining({ code: 'INVALID_MANIFEST' }));
	});

	it.each([
		[OCI_MANIFEST, { ...ociImage, manifests: [] }, 'manifests'],
		[OCI_INDEX, { ...ociIndex, config: {} }, 'config'],
		[OCI_INDEX, { ...ociIndex, layers: [] }, 'layers'],
		[DOCKER_MANIFEST, { ...dockerImage, fsLayers: [] }, 'fsLayers']
	])('rejects an ambiguous %s body with %s', (ct, body, field) => {
		expect(() => classifyManifest(ct, body)).toThrow(
			expect.objectContaining({ code: 'INVALID_MANIFEST', message: expect.stringContaining(field) })
		);
	});

	it.each([DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED])('classifies %s as schema1', (ct) => {
		expect(classifyManifest(ct, { schemaVersion: 1, fsLayers: [], history: [] })).toEqual({
			mediaType: ct,
			kind: 'schema1',
			sniffed: false
		});
	});

	it.each([['config'], ['layers'], ['manifests']])('rejects an ambiguous schema1 body with %s', (field) => {
		expect(() => classifyManifest(DOCKER_SCHEMA1_SIGNED, { schemaVersion: 1, fsLayers: [], history: [], [field]: [] })).toThrow(
			expect.objectContaining({ code: 'INVALID_MANIFEST', message: expect.stringContaining(field) })
		);
	});
});

describe('classifyManifest by sniffing', () => {
	it.each([
		[null, ociImage, OCI_MANIFEST, 'image'],
		['application/json', ociImage, OCI_MANIFEST, 'image'],
		['text/plain', { schemaVersion: 2, config: { mediaType: DOCKER_CONFIG }, layers: [] }, DOCKER_MANIFEST, 'image'],
		['application/octet-stream', dockerImage, DOCKER_MANIFEST, 'image'],
		[
			'binary/octet-stream',
			{ schemaVersion: 2, config: { mediaType: 'application/vnd.cncf.helm.config.v1+json' }, layers: [] },
			OCI_MANIFEST,
			'image'
		],
		['', ociIndex, OCI_INDEX, 'index'],
		[null, { schemaVersion: 2, manifests: [] }, OCI_INDEX, 'index'],
		[null, { schemaVersion: 2, manifests: [{ mediaType: DOCKER_MANIFEST }] }, DOCKER_MANIFEST_LIST, 'index'],
		['application/json', dockerList, DOCKER_MANIFEST_LIST, 'index'],
		['application/vnd.oci.artifact.manifest.v1+json', ociIndex, OCI_INDEX, 'index']
	])('%j → %s', (ct, body, mediaType, kind) => {
		expect(classifyManifest(ct, body)).toEqual({ mediaType, kind, sniffed: true });
	});

	it.each([
		[{ schemaVersion: 1, signatures: [], fsLayers: [] }, DOCKER_SCHEMA1_SIGNED],
		[{ schemaVersion: 1, fsLayers: [] }, DOCKER_SCHEMA1],
		[{ mediaType: DOCKER_SCHEMA1_SIGNED }, DOCKER_SCHEMA1_SIGNED]
	])('sniffs schema1 %j → %s', (body, mediaType) => {
		expect(classifyManifest('application/json', body)).toEqual({ mediaType, kind: 'schema1', sniffed: true });
	});

	it.each([
		[{ hello: 'world' }],
		[{ schemaVersion: 3 }],
		[{ schemaVersion: 2 }],
		[{ mediaType: 'application/vnd.oci.artifact.manifest.v1+json', blobs: [] }]
	])('refuses an unknown document %j', (body) => {
		expect(() => classifyManifest('application/json', body)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_MEDIA_TYPE' }));
	});

	it('rejects ambiguous sniffed bodies too', () => {
		expect(() => classifyManifest(null, { ...ociIndex, config: {}, layers: [] })).toThrow(
			expect.objectContaining({ code: 'INVALID_MANIFEST', message: expect.stringContaining('ambiguous') })
		);
	});

	it.each([[null], [[1, 2]], ['a string'], [42]])('rejects a non-object body %j', (body) => {
		expect(() => classifyManifest(OCI_MANIFEST, body)).toThrow(expect.objectContaining({ code: 'INVALID_MANIFEST' }));
	});
});

describe('config and layer types', () => {
	it('knows the image config types', () => {
		expect(isImageConfigType(OCI_CONFIG)).toBe(true);
		expect(isImageConfigType(DOCKER_CONFIG)).toBe(true);
		expect(isImageConfigType('application/vnd.oci.empty.v1+json')).toBe(false);
		expect(isImageConfigType('application/vnd.cncf.helm.config.v1+json')).toBe(false);
	});

	it.each([
		['application/vnd.docker.image.rootfs.diff.tar.gzip', 'Docker layer (gzip)'],
		['application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', 'Docker foreign layer (gzip)'],
		['application/vnd.oci.image.layer.v1.tar', 'OCI layer (uncompressed)'],
		['application/vnd.oci.image.layer.v1.tar+gzip', 'OCI layer (gzip)'],
		['application/vnd.oci.image.layer.v1.tar+zstd', 'OCI layer (zstd)'],
		['application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', 'OCI foreign layer (gzip)'],
		['application/vnd.oci.image.layer.v1.tar+gzip+encrypted', 'OCI layer (gzip, encrypted)'],
		['application/vnd.cncf.helm.chart.content.v1.tar+gzip', 'application/vnd.cncf.helm.chart.content.v1.tar+gzip'],
		['application/vnd.in-toto+json', 'application/vnd.in-toto+json']
	])('%s: "%s"', (mt, description) => {
		expect(describeMediaType(mt)).toBe(description);
	});

	it('names manifest types', () => {
		expect(describeMediaType(OCI_INDEX)).toBe('OCI image index');
		expect(describeMediaType(DOCKER_MANIFEST_LIST)).toBe('Docker manifest list');
	});
});
