import { X509Certificate, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateSigner, signSchema1, type Signer } from '../../../tests/fixtures/schema1';
import { certificateSpki, keyIdOf, spkiAlgorithm, verifySignatures, type JwsSignatureBlock } from './jws';
import { schema1Envelope } from './schema1';

const enc = new TextEncoder();
const skopeoSigned = new Uint8Array(
	readFileSync(new URL('../../../tests/fixtures/manifests/schema1-skopeo-registry.json', import.meta.url))
);

function envelopeOf(bytes: Uint8Array) {
	const e = schema1Envelope(bytes);
	if (!e) throw new Error('not a signed schema1 document');
	return e;
}

const content = enc.encode(JSON.stringify({ schemaVersion: 1, name: 'a/b', tag: 't', fsLayers: [], history: [] }, null, 3));

async function signedWith(signer: Signer) {
	const signed = await signSchema1(content, [signer]);
	return { signed, envelope: envelopeOf(signed.bytes) };
}

describe('libtrust key IDs', () => {
	it('match the kid libtrust (registry 2.8) wrote in a manifest it signed', async () => {
		const { signatures } = envelopeOf(skopeoSigned);
		const [result] = await verifySignatures(signatures, envelopeOf(skopeoSigned).payload);
		expect(result?.status).toBe('valid');
		expect(result?.keyId).toBe('4CMV:5IIH:RQOA:ECEH:PLO6:3P5U:5I7E:UNAL:BMGN:D7BO:WUBG:2OB4');
		expect(result?.declaredKeyId).toBe(result?.keyId);
		expect(result?.keyType).toBe('EC P-256');
		expect(result?.time).toMatch(/^\d{4}-\d\d-\d\dT/);
	});

	it('are computed over the DER SubjectPublicKeyInfo (same as Node exports it)', async () => {
		const signer = await generateSigner('RS256');
		const der = createPublicKey({ key: signer.jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'der' });
		const webcrypto = new Uint8Array(await globalThis.crypto.subtle.exportKey('spki', signer.publicKey));
		expect(Buffer.from(webcrypto).equals(der)).toBe(true);
		expect(await keyIdOf(signer.publicKey)).toBe(signer.keyId);
		expect(signer.keyId).toMatch(/^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$/);
	});
});

describe('verifySignatures', () => {
	it.each(['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512'] as const)('accepts a %s signature made in the test', async (alg) => {
		const signer = await generateSigner(alg);
		const { envelope, signed } = await signedWith(signer);
		expect(envelope.payload).toEqual(signed.payload);
		const [r] = await verifySignatures(envelope.signatures, envelope.payload);
		expect(r).toMatchObject({ alg, keySource: 'jwk', status: 'valid', keyId: signer.keyId, declaredKeyId: signer.keyId });
		expect(r?.reason).toBeUndefined();
	});

	it('reports (never throws) a payload altered after signing', async () => {
		const { envelope } = await signedWith(await generateSigner('ES256'));
		const altered = envelope.payload.slice();
		altered[altered.indexOf(0x74)] = 0x75; // a "t" becomes "u"
		const [r] = await verifySignatures(envelope.signatures, altered);
		expect(r?.status).toBe('invalid');
		expect(r?.reason).toContain('does not match');
	});

	it('checks several signatures independently', async () => {
		const [a, b] = [await generateSigner('ES256'), await generateSigner('RS256')];
		const signed = await signSchema1(content, [a, b]);
		const envelope = envelopeOf(signed.bytes);
		const blocks: JwsSignatureBlock[] = [...envelope.signatures];
		blocks[1] = { ...blocks[1]!, signature: blocks[0]!.signature };
		const results = await verifySignatures(blocks, envelope.payload);
		expect(results.map((r) => r.status)).toEqual(['valid', 'invalid']);
		expect(results.map((r) => r.keyId)).toEqual([a.keyId, b.keyId]);
	});

	it('checks signatures whose protected headers differ in length over the same payload', async () => {
		const [a, b] = [await generateSigner('ES256'), await generateSigner('RS256')];
		const short = envelopeOf((await signSchema1(content, [a], '2024-03-01T12:00:00Z')).bytes);
		const long = envelopeOf((await signSchema1(content, [b], '2024-03-01T12:00:00.123456789+02:00')).bytes);
		expect(long.signatures[0]!.protected.length).toBeGreaterThan(short.signatures[0]!.protected.length);
		const blocks = [long.signatures[0]!, short.signatures[0]!, long.signatures[0]!, short.signatures[0]!];
		const results = await verifySignatures(blocks, short.payload);
		expect(results.map((r) => r.status)).toEqual(['valid', 'valid', 'valid', 'valid']);
		expect(results.map((r) => r.keyId)).toEqual([b.keyId, a.keyId, b.keyId, a.keyId]);
	});

	it('gives a reason for every broken header', async () => {
		const signer = await generateSigner('ES256');
		const { envelope } = await signedWith(signer);
		const block = envelope.signatures[0]!;
		const header = block.header as { jwk: Record<string, string>; alg: string };
		const variants: Array<[string, JwsSignatureBlock, RegExp]> = [
			['alg that the curve cannot sign', { ...block, header: { ...header, alg: 'ES384' } }, /can only sign ES256/],
			['RSA alg on an EC key', { ...block, header: { ...header, alg: 'RS256' } }, /can only sign ES256/],
			['no key', { ...block, header: { alg: 'ES256' } }, /neither jwk nor x5c/],
			[
				'wrong kid',
				{ ...block, header: { ...header, jwk: { ...header.jwk, kid: 'AAAA:AAAA:AAAA:AAAA:AAAA:AAAA:AAAA:AAAA:AAAA:AAAA:AAAA:AAAA' } } },
				/kid .* is not the ID of its key/
			],
			['unknown curve', { ...block, header: { ...header, jwk: { ...header.jwk, crv: 'P-192' } } }, /curve P-192/],
			['short signature', { ...block, signature: block.signature!.toString().slice(0, 40) }, /64 bytes/],
			['not base64url', { ...block, signature: '***' }, /not base64url/],
			[
				'point off the curve',
				{ ...block, header: { ...header, jwk: { ...header.jwk, x: header.jwk.y!, kid: undefined as never } } },
				/not usable/
			],
			['no header at all', { ...block, header: 'nope' }, /no header/],
			['unknown key type', { ...block, header: { ...header, jwk: { kty: 'OKP', crv: 'Ed25519', x: 'AA' } } }, /key type "OKP"/]
		];
		for (const [name, variant, reason] of variants) {
			const [r] = await verifySignatures([variant], envelope.payload);
			expect(r?.status, name).toBe('invalid');
			expect(r?.reason, name).toMatch(reason);
		}
	});

	it('says unverifiable when there is no WebCrypto', async () => {
		const { envelope } = await signedWith(await generateSigner('ES256'));
		const [r] = await verifySignatures(envelope.signatures, envelope.payload, null);
		expect(r).toMatchObject({ status: 'unverifiable', reason: expect.stringContaining('WebCrypto') });
	});
});

// --- x5c: a certificate built by hand (DER), holding the signer's public key ---

function der(tag: number, ...parts: Uint8Array[]): Uint8Array {
	const body = Buffer.concat(parts);
	const n = body.length;
	const length = n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
	return Buffer.concat([Buffer.from([tag, ...length]), body]);
}
const oid = (hex: string) => der(0x06, Buffer.from(hex, 'hex'));
const name = (cn: string) => der(0x30, der(0x31, der(0x30, oid('550403'), der(0x0c, Buffer.from(cn)))));

async function certificateFor(signer: Signer): Promise<Uint8Array> {
	const spki = new Uint8Array(await globalThis.crypto.subtle.exportKey('spki', signer.publicKey));
	const sigAlg = der(0x30, oid('2a8648ce3d040302')); // ecdsa-with-SHA256
	const tbs = der(
		0x30,
		der(0xa0, der(0x02, Buffer.from([2]))),
		der(0x02, Buffer.from([1])),
		sigAlg,
		name('regscope test CA'),
		der(0x30, der(0x17, Buffer.from('240101000000Z')), der(0x17, Buffer.from('340101000000Z'))),
		name('regscope test signer'),
		spki
	);
	// The certificate's own signature is not checked by anyone (no CA), so any bytes do.
	return der(0x30, tbs, sigAlg, der(0x03, Buffer.from([0, 0x30, 0x00])));
}

describe('x5c certificates', () => {
	it('finds the SubjectPublicKeyInfo with the DER walker (Node agrees)', async () => {
		const signer = await generateSigner('ES384');
		const cert = await certificateFor(signer);
		const node = new X509Certificate(Buffer.from(cert));
		const expected = node.publicKey.export({ type: 'spki', format: 'der' });
		expect(Buffer.from(certificateSpki(cert)).equals(expected)).toBe(true);
		expect(spkiAlgorithm(certificateSpki(cert))).toEqual({ kty: 'EC', crv: 'P-384' });
	});

	it.each(['ES256', 'RS256'] as const)('verifies a %s signature whose key comes from x5c[0]', async (alg) => {
		const signer = await generateSigner(alg);
		const { envelope } = await signedWith(signer);
		const cert = Buffer.from(await certificateFor(signer)).toString('base64');
		const block = { ...envelope.signatures[0]!, header: { alg, x5c: [cert, cert] } };
		const [r] = await verifySignatures([block], envelope.payload);
		expect(r).toMatchObject({ status: 'valid', keySource: 'x5c', keyId: signer.keyId, chainLength: 2 });
	});

	it('reports a certificate it cannot read', async () => {
		const { envelope } = await signedWith(await generateSigner('ES256'));
		const garbage = { ...envelope.signatures[0]!, header: { alg: 'ES256', x5c: ['MAMCAQE='] } };
		const [r] = await verifySignatures([garbage], envelope.payload);
		expect(r).toMatchObject({ status: 'unverifiable', keySource: 'x5c', reason: expect.stringContaining('x5c[0] could not be read') });
		const notBase64 = { ...envelope.signatures[0]!, header: { alg: 'ES256', x5c: ['%%%'] } };
		expect((await verifySignatures([notBase64], envelope.payload))[0]?.status).toBe('invalid');
	});
});
