import { describe, expect, it } from 'vitest';
import type { Digest, ImageManifest } from '../model';
import { cosignTag, describeReferrer, fallbackTag } from './referrers';

const A = `sha256:${'a'.repeat(64)}` as Digest;
const B = `sha256:${'b'.repeat(64)}` as Digest;

describe('tag schema', () => {
	it('fallback tag: algorithm-encoded, encoded part cut to 64', () => {
		expect(fallbackTag(A)).toBe(`sha256-${'a'.repeat(64)}`);
		expect(fallbackTag(`sha512:${'c'.repeat(128)}`)).toBe(`sha512-${'c'.repeat(64)}`);
	});
	it('cosign tags', () => {
		expect(cosignTag(A, 'sig')).toBe(`sha256-${'a'.repeat(64)}.sig`);
		expect(cosignTag(A, 'att')).toBe(`sha256-${'a'.repeat(64)}.att`);
	});
});

describe('describeReferrer', () => {
	const manifest = (subject?: Digest): ImageManifest => ({
		kind: 'image',
		mediaType: 'application/vnd.oci.image.manifest.v1+json',
		schemaVersion: 2,
		artifactType: 'application/vnd.cyclonedx+json',
		config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: A, size: 2 },
		layers: [{ mediaType: 'application/vnd.cyclonedx+json', digest: A, size: 10 }],
		...(subject ? { subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: subject, size: 1 } } : {})
	});
	const d = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: B, size: 100, annotations: { x: 'y' } };

	it('a referrer of this subject: kind, documents, no problem', () => {
		const r = describeReferrer(manifest(A), d, 'referrers-api', [A], A);
		expect(r).toMatchObject({ Kind: 'sbom', ArtifactType: 'application/vnd.cyclonedx+json', Describes: A, Annotations: { x: 'y' } });
		expect(r.Documents).toEqual([{ MediaType: 'application/vnd.cyclonedx+json', Digest: A, Size: 10 }]);
		expect(r.Problem).toBeUndefined();
	});
	it('a subject other than the one it was listed for is a problem', () => {
		expect(describeReferrer(manifest(B), d, 'fallback-tag', [A], A).Problem).toBe(`its subject is ${B}, but it was listed for ${A}`);
	});
	it('a buildx entry describing an image outside this reference is a problem', () => {
		expect(describeReferrer(manifest(), d, 'buildx', [A], B).Problem).toBe(`it refers to ${B}, not to this image`);
	});
});
