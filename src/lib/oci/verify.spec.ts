import { describe, it, expect } from 'vitest';
import { computeDigest } from './digest';
import { DOCKER_CONFIG, OCI_CONFIG, OCI_INDEX, OCI_MANIFEST } from './media-types';
import type { Descriptor, Digest, UntrustedObject, VerifiedConfig } from './model';
import { isKind, verifyBytes, verifyConfig, verifyManifest } from './verify';

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, 3));

function untrusted(bytes: Uint8Array, contentType: string | null = OCI_MANIFEST, header: string | null = null): UntrustedObject {
	return { bytes, contentType, dockerContentDigest: header };
}

function flipped(bytes: Uint8Array, at = 10): Uint8Array {
	const copy = bytes.slice();
	copy[at] = (copy[at] ?? 0) ^ 0x20;
	return copy;
}

const config = {
	architecture: 'amd64',
	os: 'linux',
	config: { Env: ['PATH=/usr/bin'] },
	rootfs: { type: 'layers', diff_ids: [`sha256:${'1'.repeat(64)}`] },
	history: [{ created_by: 'ADD rootfs.tar /' }]
};
const configBytes = encode(config);
const configDigest = await computeDigest(configBytes);
const configDescriptor: Descriptor = { mediaType: OCI_CONFIG, digest: configDigest, size: configBytes.length };

const manifestBytes = encode({
	schemaVersion: 2,
	mediaType: OCI_MANIFEST,
	config: configDescriptor,
	layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${'2'.repeat(64)}`, size: 100 }]
});
const manifestDigest = await computeDigest(manifestBytes);
const manifestSha512 = await computeDigest(manifestBytes, 'sha512');

describe('verifyManifest, pinned and parent', () => {
	it('accepts bytes that hash to the pinned digest', async () => {
		const v = await verifyManifest(untrusted(manifestBytes), { basis: 'pinned', digest: manifestDigest });
		expect(v.verification).toEqual({
			basis: 'pinned',
			digest: manifestDigest,
			expected: manifestDigest,
			size: manifestBytes.length,
			headerDigest: null,
			headerAgrees: null
		});
		expect(v.manifest.kind).toBe('image');
		expect(v.bytes).toBe(manifestBytes);
		expect(v.sniffed).toBe(false);
	});

	it.each(['pinned', 'parent'] as const)('fails a %s manifest with one flipped byte', async (basis) => {
		const tampered = flipped(manifestBytes);
		const actual = await computeDigest(tampered);
		await expect(verifyManifest(untrusted(tampered), { basis, digest: manifestDigest, size: manifestBytes.length })).rejects.toMatchObject({
			code: 'DIGEST_MISMATCH',
			details: { expected: manifestDigest, actual, size: tampered.length },
			message: expect.stringMatching(new RegExp(`expected ${manifestDigest}.* hash to ${actual}`))
		});
	});

	it('checks the size before the digest', async () => {
		const longer = new Uint8Array([...manifestBytes, 0x20]);
		await expect(
			verifyManifest(untrusted(longer), { basis: 'parent', digest: manifestDigest, size: manifestBytes.length })
		).rejects.toMatchObject({ code: 'SIZE_MISMATCH', details: { expected: manifestBytes.length, actual: longer.length } });
	});

	it('verifies against a sha512 digest', async () => {
		const v = await verifyManifest(untrusted(manifestBytes), { basis: 'pinned', digest: manifestSha512 });
		expect(v.verification.digest).toBe(manifestSha512);
		await expect(verifyManifest(untrusted(flipped(manifestBytes)), { basis: 'pinned', digest: manifestSha512 })).rejects.toMatchObject({
			code: 'DIGEST_MISMATCH',
			details: { actual: expect.stringMatching(/^sha512:[a-f0-9]{128}$/) }
		});
	});

	it('rejects a header that disagrees only as a hint, keeping the verified content', async () => {
		const other = `sha256:${'f'.repeat(64)}`;
		const v = await verifyManifest(untrusted(manifestBytes, OCI_MANIFEST, other), { basis: 'pinned', digest: manifestDigest });
		expect(v.verification).toMatchObject({ digest: manifestDigest, headerDigest: other, headerAgrees: false });
	});
});

describe('verifyManifest, unpinned', () => {
	const cases: Array<[string, string | null, boolean | null]> = [
		['no header', null, null],
		['an agreeing header', 'computed', true],
		['a disagreeing header', `sha256:${'0'.repeat(64)}`, false],
		['an agreeing sha512 header', 'sha512', true],
		['a disagreeing sha512 header', `sha512:${'0'.repeat(128)}`, false],
		['an unverifiable algorithm', `blake3:${'0'.repeat(64)}`, null],
		['a malformed header', 'garbage', false]
	];
	it.each(cases)('with %s', async (_, header, agrees) => {
		const sent = header === 'computed' ? manifestDigest : header === 'sha512' ? manifestSha512 : header;
		const v = await verifyManifest(untrusted(manifestBytes, OCI_MANIFEST, sent), { basis: 'unpinned' });
		expect(v.verification).toEqual({
			basis: agrees === true ? 'header' : 'unpinned',
			digest: manifestDigest,
			size: manifestBytes.length,
			headerDigest: sent,
			headerAgrees: agrees
		});
	});

	it('reports what it computed for any bytes, and records a sniffed type', async () => {
		const changed = new Uint8Array([...manifestBytes, 0x0a]);
		const v = await verifyManifest(untrusted(changed, 'application/json'), { basis: 'unpinned' });
		expect(v.verification.digest).toBe(await computeDigest(changed));
		expect(v.verification.digest).not.toBe(manifestDigest);
		expect(v.mediaType).toBe(OCI_MANIFEST);
		expect(v.sniffed).toBe(true);
	});
});

describe('verifyManifest on bodies that are not manifests', () => {
	it.each([
		['an HTML page', '<!DOCTYPE html><html><body>Sign in</body></html>', 'HTML'],
		['truncated JSON', '{"schemaVersion": 2, "config": {', 'not valid JSON'],
		['an empty body', '', 'empty'],
		['a JSON array', '[]', 'not a JSON object']
	])('rejects %s after verifying it', async (_, text, fragment) => {
		const bytes = new TextEncoder().encode(text);
		await expect(verifyManifest(untrusted(bytes), { basis: 'pinned', digest: await computeDigest(bytes) })).rejects.toMatchObject({
			code: 'INVALID_MANIFEST',
			message: expect.stringContaining(fragment)
		});
	});

	it('rejects bytes that are not UTF-8', async () => {
		const bytes = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
		await expect(verifyManifest(untrusted(bytes), { basis: 'unpinned' })).rejects.toMatchObject({ code: 'INVALID_MANIFEST' });
	});

	it('hashes before parsing: a tampered HTML body is a digest error, not a parse error', async () => {
		await expect(
			verifyManifest(untrusted(new TextEncoder().encode('<html></html>')), { basis: 'pinned', digest: manifestDigest })
		).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
	});

	it('classifies an index', async () => {
		const bytes = encode({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });
		const v = await verifyManifest(untrusted(bytes, OCI_INDEX), { basis: 'unpinned' });
		expect(v.manifest).toEqual({ kind: 'index', mediaType: OCI_INDEX, schemaVersion: 2, manifests: [] });
	});
});

describe('verifyConfig', () => {
	it('accepts the config its descriptor names', async () => {
		const v = await verifyConfig(untrusted(configBytes, 'application/octet-stream'), configDescriptor);
		expect(v.verification).toMatchObject({ basis: 'parent', digest: configDigest, expected: configDigest });
		expect(v.config.architecture).toBe('amd64');
		expect(v.bytes).toBe(configBytes);
	});

	it('fails a config with one flipped byte', async () => {
		await expect(verifyConfig(untrusted(flipped(configBytes, 20)), configDescriptor)).rejects.toMatchObject({
			code: 'DIGEST_MISMATCH',
			details: { expected: configDigest }
		});
	});

	it('fails a config of the wrong size', async () => {
		await expect(verifyConfig(untrusted(configBytes.slice(1)), configDescriptor)).rejects.toMatchObject({ code: 'SIZE_MISMATCH' });
	});

	it('refuses to parse a non-image config', async () => {
		await expect(
			verifyConfig(untrusted(configBytes), { ...configDescriptor, mediaType: 'application/vnd.cncf.helm.config.v1+json' })
		).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
	});

	it('accepts the Docker config type and a sha512 descriptor', async () => {
		const digest = await computeDigest(configBytes, 'sha512');
		const v = await verifyConfig(untrusted(configBytes), { mediaType: DOCKER_CONFIG, digest, size: configBytes.length });
		expect(v.verification.digest).toBe(digest);
	});
});

describe('verifyBytes', () => {
	it('returns the bytes only when they match', async () => {
		const bytes = new TextEncoder().encode('{}');
		const digest = (await computeDigest(bytes)) as Digest;
		expect(await verifyBytes(bytes, digest, 2)).toBe(bytes);
		await expect(verifyBytes(flipped(bytes, 0), digest, 2)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
		await expect(verifyBytes(bytes, digest, 3)).rejects.toMatchObject({ code: 'SIZE_MISMATCH' });
	});
});

describe('verified values', () => {
	it('cannot be written as a literal outside verify.ts (checked by the type checker: npm run check)', async () => {
		const real = await verifyConfig(untrusted(configBytes), configDescriptor);
		// @ts-expect-error: the brand's key is never exported, so a literal cannot have it
		const forged: VerifiedConfig = { verification: real.verification, config: real.config, bytes: real.bytes };
		// @ts-expect-error: plain bytes are not verified bytes, even inside a copy of a verified value
		const swapped: VerifiedConfig = { ...real, bytes: new Uint8Array(configBytes) };
		expect([forged.config, swapped.config]).toEqual([real.config, real.config]);
	});

	it('isKind narrows without copying', async () => {
		const v = await verifyManifest(untrusted(manifestBytes), { basis: 'pinned', digest: manifestDigest });
		expect(isKind(v, 'image')).toBe(true);
		expect(isKind(v, 'index', 'schema1')).toBe(false);
		if (isKind(v, 'image')) expect(v.manifest.layers).toHaveLength(1);
	});
});
