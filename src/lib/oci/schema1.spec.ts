import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSchema1Signed, generateSigner, signSchema1, type Signer } from '../../../tests/fixtures/schema1';
import { computeDigest } from './digest';
import { inspect, type RegistrySource } from './inspect';
import { DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED } from './media-types';
import type { Digest, Schema1Manifest, UntrustedObject, VerifiedManifest } from './model';
import { parseReference } from './reference';
import { GZIPPED_EMPTY_LAYER, MAX_SCHEMA1_SIGNATURES, schema1Envelope } from './schema1';
import { toSkopeoInspect } from './skopeo';
import { verifyManifest } from './verify';

const enc = new TextEncoder();
const dec = new TextDecoder();
const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const D = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const ID = (c: string) => c.repeat(64);

const fixtureFile = (name: string) => new URL(`../../../tests/fixtures/manifests/${name}`, import.meta.url);
/** Payload written by skopeo copy --format v2s1, signed by the registry (see tests/fixtures/manifests/README.md). */
const skopeoSigned = new Uint8Array(readFileSync(fixtureFile('schema1-skopeo-registry.json')));
/** Written and signed by skopeo itself (copy to dir:). */
const skopeoDir = new Uint8Array(readFileSync(fixtureFile('schema1-skopeo-dir.json')));
/** What skopeo 1.9 printed for that manifest (captured with it, from Debian's registry 2.8). */
const skopeoPrinted = JSON.parse(readFileSync(fixtureFile('schema1-skopeo-registry.inspect.json'), 'utf8')) as Record<string, unknown>;
/** The registry's Docker-Content-Digest for it. */
const SKOPEO_DIGEST = 'sha256:002f1eaa6bf3c5e4d66637abd3bcd44b004005f86c318dc6727e56ca39e1e012' as Digest;

let signer: Signer | undefined;
async function es256(): Promise<Signer> {
	return (signer ??= await generateSigner('ES256'));
}

function untrusted(bytes: Uint8Array, contentType: string | null, header: string | null = null): UntrustedObject {
	return { bytes, contentType, dockerContentDigest: header };
}

function schema1(result: VerifiedManifest): Schema1Manifest {
	if (result.manifest.kind !== 'schema1') throw new Error(`expected schema1, got ${result.manifest.kind}`);
	return result.manifest;
}

type V1 = Record<string, unknown>;
const entry = (id: string, extra: V1 = {}) => ({ id: ID(id), ...extra });

/** A hand-built schema1 manifest, newest first; `history` entries are v1Compatibility objects (or raw strings). */
function manifest(v1: Array<V1 | string>, blobs?: Digest[], extra: Record<string, unknown> = {}) {
	return {
		schemaVersion: 1,
		name: 'library/old',
		tag: 'v1',
		architecture: 'amd64',
		fsLayers: (blobs ?? v1.map((_, i) => D(String(i + 1)))).map((blobSum) => ({ blobSum })),
		history: v1.map((h) => ({ v1Compatibility: typeof h === 'string' ? h : JSON.stringify(h) })),
		...extra
	};
}

const chain = () => [entry('c', { parent: ID('b'), os: 'linux', architecture: 'amd64' }), entry('b', { parent: ID('a') }), entry('a')];

/** Unsigned (hashed as received) and signed in the test (hashed over the payload): both must reject. */
async function expectRejected(doc: unknown, expected: { code: string; message: RegExp }): Promise<void> {
	const content = enc.encode(JSON.stringify(doc, null, 3));
	const signed = await signSchema1(content, [await es256()]);
	const shape = { code: expected.code, message: expect.stringMatching(expected.message) };
	await expect(verifyManifest(untrusted(content, DOCKER_SCHEMA1), { basis: 'unpinned' })).rejects.toMatchObject(shape);
	// Unpinned: with schemaVersion 2 there is no JWS payload to rebuild, so a pin on it would not match.
	await expect(verifyManifest(untrusted(signed.bytes, DOCKER_SCHEMA1_SIGNED), { basis: 'unpinned' })).rejects.toMatchObject(shape);
}

describe('schema1 validation: each problem has its own error', () => {
	const cases: Array<[string, unknown, RegExp]> = [
		['schemaVersion is not 1', { ...manifest(chain()), schemaVersion: 2 }, /schemaVersion must be 1, not 2/],
		['fsLayers and history differ in length', manifest(chain(), [D('1'), D('2')]), /2 fsLayers but 3 history entries/],
		['no layers at all', manifest([], []), /fsLayers and history are empty/],
		['fsLayers missing', { ...manifest(chain()), fsLayers: undefined }, /fsLayers is missing/],
		[
			'a v1Compatibility that is not JSON',
			manifest([chain()[0]!, '{"id": ', chain()[2]!]),
			/history\[1\]\.v1Compatibility is not valid JSON/
		],
		[
			'a v1Compatibility that is not an object',
			manifest([chain()[0]!, '[1]', chain()[2]!]),
			/history\[1\]\.v1Compatibility must be a JSON object/
		],
		[
			'an id that is not 64 hex characters',
			manifest([entry('c', { parent: ID('b') }), { id: 'B'.repeat(64), parent: ID('a') }, entry('a')]),
			/history\[1\]\.v1Compatibility has id "B{64}"; every v1 id must be 64 lowercase hex/
		],
		['an entry without id', manifest([{ parent: ID('a') }, entry('a')]), /history\[0\]\.v1Compatibility has no id/],
		[
			'a base layer with a parent',
			manifest([entry('b', { parent: ID('a') }), entry('a', { parent: ID('0') })]),
			/base entry \(history\[1\]\.v1Compatibility\) has parent 0{64}/
		],
		[
			'an id repeated non-consecutively',
			manifest([entry('a', { parent: ID('b') }), entry('b', { parent: ID('a') }), entry('a')]),
			/v1 id a{64} appears again at history\[2\] after other ids/
		],
		[
			'a parent that is not the next entry',
			manifest([entry('c', { parent: ID('x') }), entry('b', { parent: ID('a') }), entry('a')]),
			/history\[0\]\.v1Compatibility has parent x{64}, but the next entry's id is b{64}/
		],
		[
			'a missing parent in the middle',
			manifest([entry('c', { parent: ID('b') }), entry('b'), entry('a')]),
			/history\[1\]\.v1Compatibility has parent \(none\), but the next entry's id is a{64}/
		],
		['a bad blobSum', manifest(chain(), [D('1'), 'sha256:xyz' as Digest, D('3')]), /fsLayers\[1\]\.blobSum/],
		[
			'a mistyped field',
			manifest([entry('c', { parent: ID('b'), throwaway: 'yes' }), entry('b', { parent: ID('a') }), entry('a')]),
			/history\[0\]\.v1Compatibility\.throwaway must be true or false/
		],
		['an ambiguous body', { ...manifest(chain()), layers: [] }, /ambiguous.*layers/]
	];
	it.each(cases)('%s', async (_name, doc, message) => {
		await expectRejected(doc, { code: 'INVALID_MANIFEST', message });
	});

	it('drops the newer of two consecutive entries with the same id, with its layer (as skopeo)', async () => {
		const doc = manifest(
			[
				entry('b', { parent: ID('a'), config: { Labels: { which: 'newer' } } }),
				entry('b', { parent: ID('a'), config: { Labels: { which: 'older' } } }),
				entry('a')
			],
			[D('9'), D('8'), D('1')]
		);
		const result = await verifyManifest(untrusted(enc.encode(JSON.stringify(doc)), DOCKER_SCHEMA1), { basis: 'unpinned' });
		const m = schema1(result);
		expect(m.droppedDuplicates).toBe(1);
		expect(m.layers.map((l) => l.digest)).toEqual([D('1'), D('8')]);
		expect(m.image.config.Labels).toEqual({ which: 'older' });
		expect(m.image.history).toHaveLength(2);
	});
});

describe('the signed payload (JWS envelope)', () => {
	const content = enc.encode(JSON.stringify(manifest(chain()), null, 3));

	async function broken(change: (doc: { signatures: Array<Record<string, unknown>> }) => void, signers?: Signer[]) {
		const signed = await signSchema1(content, signers ?? [await es256()]);
		const doc = JSON.parse(dec.decode(signed.bytes)) as { signatures: Array<Record<string, unknown>> };
		change(doc);
		return verifyManifest(untrusted(enc.encode(JSON.stringify(doc)), DOCKER_SCHEMA1_SIGNED), { basis: 'unpinned' });
	}
	const protectedHeader = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

	it.each([
		['an empty signatures array', (d: { signatures: unknown[] }) => (d.signatures = []), /signatures is empty/],
		['signatures that are not an array', (d: { signatures: unknown }) => (d.signatures = {}), /signatures must be an array/],
		[
			'a protected header that is not base64url JSON',
			(d: { signatures: Array<Record<string, unknown>> }) => (d.signatures[0]!.protected = 'not*base64'),
			/protected is not a base64url-encoded JSON object/
		],
		[
			'a protected header without formatLength',
			(d: { signatures: Array<Record<string, unknown>> }) => (d.signatures[0]!.protected = protectedHeader({ formatTail: 'Cn0' })),
			/has no formatLength/
		],
		[
			'a formatTail that is not base64url',
			(d: { signatures: Array<Record<string, unknown>> }) =>
				(d.signatures[0]!.protected = protectedHeader({ formatLength: 10, formatTail: '%%' })),
			/formatTail is not base64url/
		],
		[
			'a formatLength past the end',
			(d: { signatures: Array<Record<string, unknown>> }) =>
				(d.signatures[0]!.protected = protectedHeader({ formatLength: 10 ** 6, formatTail: 'Cn0' })),
			/formatLength 1000000 is longer than the/
		]
	])('refuses %s', async (_name, change, message) => {
		await expect(broken(change as never)).rejects.toMatchObject({ code: 'INVALID_MANIFEST', message: expect.stringMatching(message) });
	});

	it(`refuses more than ${MAX_SCHEMA1_SIGNATURES} signatures as a whole, and accepts exactly that many`, async () => {
		const signed = await signSchema1(content, [await es256()]);
		// Everything before "signatures" stays byte for byte, so the payload (and formatLength) still holds.
		const text = dec.decode(signed.bytes);
		const at = text.indexOf('"signatures": ') + '"signatures": '.length;
		const one = (JSON.parse(text.slice(at, text.lastIndexOf('}'))) as unknown[])[0];
		const withCopies = (n: number) => enc.encode(`${text.slice(0, at)}${JSON.stringify(Array(n).fill(one))}\n}`);
		await expect(verifyManifest(untrusted(withCopies(5000), DOCKER_SCHEMA1_SIGNED), { basis: 'unpinned' })).rejects.toMatchObject({
			code: 'INVALID_MANIFEST',
			message: expect.stringMatching(/carries 5000 signatures; regscope checks at most 8/),
			details: { signatures: 5000, limit: MAX_SCHEMA1_SIGNATURES }
		});
		const most = await verifyManifest(untrusted(withCopies(MAX_SCHEMA1_SIGNATURES), DOCKER_SCHEMA1_SIGNED), { basis: 'unpinned' });
		const m = schema1(most);
		expect(m.signatures.map((x) => x.status)).toEqual(Array(MAX_SCHEMA1_SIGNATURES).fill('valid'));
	});

	it('refuses signatures that disagree on formatLength or formatTail', async () => {
		const two = [await es256(), await generateSigner('ES256')];
		const length = broken((d) => {
			const h = JSON.parse(Buffer.from(d.signatures[1]!.protected as string, 'base64url').toString()) as Record<string, unknown>;
			d.signatures[1]!.protected = protectedHeader({ ...h, formatLength: (h.formatLength as number) - 1 });
		}, two);
		await expect(length).rejects.toMatchObject({ code: 'INVALID_MANIFEST', message: expect.stringMatching(/disagree on formatLength/) });
		const tail = broken((d) => {
			const h = JSON.parse(Buffer.from(d.signatures[1]!.protected as string, 'base64url').toString()) as Record<string, unknown>;
			d.signatures[1]!.protected = protectedHeader({ ...h, formatTail: 'fQ' });
		}, two);
		await expect(tail).rejects.toMatchObject({ code: 'INVALID_MANIFEST', message: expect.stringMatching(/disagree on formatTail/) });
	});

	it('tolerates unpadded base64url with newlines and spaces in the protected header (libtrust)', async () => {
		const signed = await signSchema1(content, [await es256()]);
		const doc = JSON.parse(dec.decode(signed.bytes)) as { signatures: Array<{ protected: string }> };
		const p = doc.signatures[0]!.protected;
		doc.signatures[0]!.protected = `${p.slice(0, 10)}\n ${p.slice(10)}`;
		// Re-serialized compactly: the payload is still the first formatLength bytes plus the tail.
		const rebuilt = enc.encode(dec.decode(signed.bytes).replace(p, doc.signatures[0]!.protected.replace('\n', '\\n')));
		const envelope = schema1Envelope(rebuilt);
		expect(envelope && sha256(envelope.payload)).toBe(signed.digest);
	});
});

describe('signed schema1 manifests', () => {
	it.each(['ES256', 'RS256'] as const)('%s signed in the test: digest over the payload, signature valid', async (alg) => {
		const s = await generateSigner(alg);
		const built = buildSchema1Signed('fixtures/schema1-signed', '1.0');
		const signed = await signSchema1(built.content, [s]);
		expect(sha256(signed.bytes)).not.toBe(signed.digest);
		const result = await verifyManifest(untrusted(signed.bytes, DOCKER_SCHEMA1_SIGNED, signed.digest), {
			basis: 'pinned',
			digest: signed.digest as Digest
		});
		expect(result.verification).toMatchObject({ basis: 'pinned', digest: signed.digest, headerAgrees: true, size: signed.bytes.length });
		expect(Buffer.from(result.bytes).equals(Buffer.from(signed.bytes))).toBe(true);
		expect(Buffer.from(result.payload!).equals(Buffer.from(built.content))).toBe(true);
		expect(result.mediaType).toBe(DOCKER_SCHEMA1_SIGNED);
		const m = schema1(result);
		expect(m.signed).toBe(true);
		expect(m.signatures).toEqual([
			{
				alg,
				keySource: 'jwk',
				keyType: alg === 'ES256' ? 'EC P-256' : 'RSA 2048',
				keyId: s.keyId,
				declaredKeyId: s.keyId,
				time: '2024-03-01T12:00:00Z',
				status: 'valid'
			}
		]);
	});

	it('a payload altered after signing: the signature fails (a warning) and the digest changes', async () => {
		const built = buildSchema1Signed('fixtures/schema1-signed', '1.0');
		const signed = await signSchema1(built.content, [await es256()]);
		const text = dec.decode(signed.bytes);
		const altered = enc.encode(text.replace('kept-older-duplicate', 'kept-older-duplicatX'));
		expect(altered.length).toBe(signed.bytes.length);

		const unpinned = await verifyManifest(untrusted(altered, DOCKER_SCHEMA1_SIGNED, signed.digest), { basis: 'unpinned' });
		expect(unpinned.verification.digest).not.toBe(signed.digest);
		expect(unpinned.verification.headerAgrees).toBe(false);
		expect(schema1(unpinned).signatures[0]).toMatchObject({ status: 'invalid', reason: expect.stringContaining('does not match') });
		expect(schema1(unpinned).image.config.Labels?.['org.example.which']).toBe('kept-older-duplicatX');

		await expect(
			verifyManifest(untrusted(altered, DOCKER_SCHEMA1_SIGNED), { basis: 'pinned', digest: signed.digest as Digest })
		).rejects.toMatchObject({
			code: 'DIGEST_MISMATCH',
			message: expect.stringContaining('JWS payload')
		});

		// Through inspect: a warning, never a crash.
		const source: RegistrySource = {
			manifest: async () => untrusted(altered, DOCKER_SCHEMA1_SIGNED, null),
			blob: async () => {
				throw new Error('schema1 has no config blob to fetch');
			}
		};
		const inspection = await inspect(source, parseReference('localhost:5000/fixtures/schema1-signed:1.0'));
		expect(inspection.warnings.some((w) => /Signature 1 .*ES256, key [A-Z2-7:]+\) is invalid/.test(w))).toBe(true);
	});

	it('a tampered pinned digest is a DIGEST_MISMATCH', async () => {
		const signed = await signSchema1(buildSchema1Signed('x/y', 't').content, [await es256()]);
		const wrong = `sha256:${'0'.repeat(64)}` as Digest;
		await expect(verifyManifest(untrusted(signed.bytes, DOCKER_SCHEMA1_SIGNED), { basis: 'pinned', digest: wrong })).rejects.toMatchObject({
			code: 'DIGEST_MISMATCH',
			details: { expected: wrong, actual: signed.digest }
		});
		// Hashing the bytes received (with their signatures) would not be the manifest digest either.
		const bytesDigest = sha256(signed.bytes) as Digest;
		await expect(
			verifyManifest(untrusted(signed.bytes, DOCKER_SCHEMA1_SIGNED), { basis: 'pinned', digest: bytesDigest })
		).rejects.toMatchObject({
			code: 'DIGEST_MISMATCH'
		});
	});

	it('unsigned schema1 is hashed as received', async () => {
		const bytes = enc.encode(JSON.stringify(manifest(chain()), null, 3));
		const result = await verifyManifest(untrusted(bytes, DOCKER_SCHEMA1), { basis: 'pinned', digest: await computeDigest(bytes) });
		expect(result.payload).toBeUndefined();
		expect(schema1(result)).toMatchObject({ signed: false, signatures: [], tag: 'v1', name: 'library/old' });
	});

	it('recognises a signed manifest sent as application/json (sniffed)', async () => {
		const signed = await signSchema1(buildSchema1Signed('x/y', 't').content, [await es256()]);
		const result = await verifyManifest(untrusted(signed.bytes, 'application/json'), { basis: 'unpinned' });
		expect(result).toMatchObject({ mediaType: DOCKER_SCHEMA1_SIGNED, sniffed: true });
		expect(result.verification.digest).toBe(signed.digest);
	});
});

describe('manifests written by skopeo (containers/image, libtrust)', () => {
	it('rebuilds the payload of one skopeo signed itself, and its signature verifies', async () => {
		const envelope = schema1Envelope(skopeoDir)!;
		expect(dec.decode(envelope.formatTail)).toBe('}');
		expect(
			Buffer.from(envelope.payload.subarray(0, envelope.formatLength)).equals(Buffer.from(skopeoDir.subarray(0, envelope.formatLength)))
		).toBe(true);
		expect(envelope.payload.length).toBe(envelope.formatLength + 1);
		expect(dec.decode(envelope.payload).endsWith('"schemaVersion":1}')).toBe(true);
		const result = await verifyManifest(untrusted(skopeoDir, DOCKER_SCHEMA1_SIGNED), {
			basis: 'pinned',
			digest: sha256(envelope.payload) as Digest
		});
		const m = schema1(result);
		expect(m).toMatchObject({ name: '', tag: '', signed: true });
		expect(m.signatures).toEqual([
			expect.objectContaining({
				status: 'valid',
				keyId: 'AUBY:DIBU:WXCR:3EJS:YNNG:WSUL:ZJQE:ME5D:UXN3:VCJ6:FQJE:GDOY',
				declaredKeyId: 'AUBY:DIBU:WXCR:3EJS:YNNG:WSUL:ZJQE:ME5D:UXN3:VCJ6:FQJE:GDOY'
			})
		]);
		// Same image as the registry copy: same layers and config, other name/tag, so another digest.
		const registryCopy = schema1(await verifyManifest(untrusted(skopeoSigned, DOCKER_SCHEMA1_SIGNED), { basis: 'unpinned' }));
		expect(m.layers).toEqual(registryCopy.layers);
		expect(m.image).toEqual(registryCopy.image);
	});

	it('rebuilds the payload whose digest the registry reported', async () => {
		const envelope = schema1Envelope(skopeoSigned)!;
		expect(envelope.formatLength).toBe(3885);
		expect(dec.decode(envelope.formatTail)).toBe('}');
		expect(sha256(envelope.payload)).toBe(SKOPEO_DIGEST);
		const result = await verifyManifest(untrusted(skopeoSigned, DOCKER_SCHEMA1_SIGNED, SKOPEO_DIGEST), {
			basis: 'pinned',
			digest: SKOPEO_DIGEST
		});
		expect(result.verification.headerAgrees).toBe(true);
		expect(schema1(result).signatures[0]).toMatchObject({
			status: 'valid',
			keyId: '4CMV:5IIH:RQOA:ECEH:PLO6:3P5U:5I7E:UNAL:BMGN:D7BO:WUBG:2OB4'
		});
	});

	it('converts to what skopeo printed for it', async () => {
		const source: RegistrySource = {
			manifest: async () => untrusted(skopeoSigned, DOCKER_SCHEMA1_SIGNED, SKOPEO_DIGEST),
			blob: async () => {
				throw new Error('no blobs for schema1');
			}
		};
		const ref = parseReference('127.0.0.1:41399/fixtures/schema1-skopeo:latest');
		const inspection = await inspect(source, ref);
		expect(inspection.format).toBe('schema1');
		expect(inspection.warnings).toEqual([]);
		const out = toSkopeoInspect(inspection, ['latest']) as unknown as Record<string, unknown>;
		for (const field of [
			'Name',
			'Tag',
			'Digest',
			'RepoTags',
			'Created',
			'DockerVersion',
			'Labels',
			'Architecture',
			'Os',
			'Layers',
			'Env'
		]) {
			expect(out[field], field).toEqual(skopeoPrinted[field]);
		}
		expect(out.LayersData).toHaveLength(7);
		expect((out.LayersData as unknown[])[0]).toEqual({
			MIMEType: '',
			Digest: (skopeoPrinted.Layers as string[])[0],
			Size: -1,
			Annotations: null
		});
		expect(out).toMatchObject({
			ConfigDigest: '',
			LayersSize: null,
			Schema1: true,
			MediaType: DOCKER_SCHEMA1_SIGNED,
			HistoryAligned: true
		});
		expect(out.Signatures).toEqual([expect.objectContaining({ Algorithm: 'ES256', Status: 'valid', KeySource: 'jwk' })]);
	});

	it('builds the history oldest first, like the schema2 original it came from', async () => {
		const result = await verifyManifest(untrusted(skopeoSigned, DOCKER_SCHEMA1_SIGNED), { basis: 'unpinned' });
		const m = schema1(result);
		expect(m.image.history.map((h) => h.empty_layer === true)).toEqual([false, true, false, true, false, true, true]);
		expect(m.image.history[2]).toEqual({
			created: '2024-03-01T12:30:00Z',
			created_by: '/bin/sh -c #(nop) COPY dir:4567ef in /app ',
			comment: 'app files'
		});
		expect(m.image.history[4]).toMatchObject({ author: 'Fixture Builder' });
		expect(m.image).toMatchObject({
			architecture: 'amd64',
			os: 'linux',
			docker_version: '24.0.7',
			created: '2024-03-01T12:34:56.789012345Z',
			rootfs: { type: 'layers', diff_ids: [] }
		});
		expect(m.image.config).toMatchObject({
			User: 'app',
			WorkingDir: '/app',
			Entrypoint: ['/app/main.sh'],
			Cmd: ['--serve', '--port=8080'],
			StopSignal: 'SIGTERM'
		});
		expect(m.layers.map((l) => l.empty)).toEqual([false, true, false, true, false, true, true]);
		expect(m.layers[6]).toMatchObject({ digest: GZIPPED_EMPTY_LAYER, v1Parent: m.layers[5]!.v1Id });
	});
});

describe('conversion into the common model', () => {
	it('created_by from Cmd joined with spaces, empty layers from throwaway or the empty gzip digest', async () => {
		const built = buildSchema1Signed('fixtures/schema1-signed', '1.0');
		const signed = await signSchema1(built.content, [await es256()]);
		const source: RegistrySource = {
			manifest: async () => untrusted(signed.bytes, DOCKER_SCHEMA1_SIGNED, signed.digest),
			blob: async () => {
				throw new Error('no blobs for schema1');
			}
		};
		const inspection = await inspect(source, parseReference('localhost:5000/fixtures/schema1-signed:1.0'));
		if (inspection.format !== 'schema1') throw new Error('expected schema1');
		expect(inspection.image.history).toEqual([
			{ created: '2017-05-01T10:00:00Z', created_by: '/bin/sh -c #(nop) ADD file:0123 in / ', author: 'base builder' },
			{ created: '2017-05-01T10:00:01Z', created_by: '/bin/sh -c #(nop)  ENV S1=yes', empty_layer: true },
			{ created: '2017-05-01T10:00:02Z', created_by: '/bin/sh -c #(nop) COPY dir:abc in /app ', comment: 'app files' },
			{
				created: built.created,
				created_by: '/bin/sh -c #(nop)  CMD ["/bin/hello"]',
				author: 'Schema1 Fixture <s1@example.com>',
				empty_layer: true
			}
		]);
		expect(inspection.image).toMatchObject({
			created: built.created,
			author: 'Schema1 Fixture <s1@example.com>',
			docker_version: '1.13.1'
		});
		expect(inspection.timeline.aligned).toBe(true);
		expect(inspection.timeline.rows.map((r) => [r.layer?.digest, r.layer?.size, r.history?.empty_layer === true, r.diffId])).toEqual(
			built.layerDigests.map((d, i) => [d, -1, i === 1 || i === 3, undefined])
		);
		expect(inspection.warnings).toEqual([
			expect.stringMatching(/^1 history entry repeats the v1 id .* dropped together with its layer, as skopeo does\.$/)
		]);
		const out = toSkopeoInspect(inspection, null);
		expect(out.Tag).toBe('1.0');
		expect(out.Layers).toEqual(built.layerDigests);
		expect(out.Labels).toEqual({ 'org.example.which': 'kept-older-duplicate', 'org.example.html': '<b>&</b>' });
		expect(out.History.map((h) => h.Size)).toEqual([null, null, null, null]);
	});

	it("an entry without created gives skopeo's Go zero time, and no Tag when the manifest has none", async () => {
		const bytes = enc.encode(JSON.stringify(manifest(chain(), undefined, { tag: '' })));
		const source: RegistrySource = {
			manifest: async () => untrusted(bytes, DOCKER_SCHEMA1, null),
			blob: async () => {
				throw new Error('no blobs');
			}
		};
		const out = toSkopeoInspect(await inspect(source, parseReference('localhost:5000/library/old:v1')), []);
		expect(out.Created).toBe('0001-01-01T00:00:00Z');
		expect(out).not.toHaveProperty('Tag');
		expect(out.Labels).toBeNull();
		expect(out.Env).toBeNull();
		expect(out.DockerVersion).toBe('');
	});
});
