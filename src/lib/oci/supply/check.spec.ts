import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fulcioStyleCertificate } from '../../../../tests/support/test-cert';
import type { Descriptor, Digest } from '../model';
import { verifyBytes } from '../verify';
import { checkCosignSignature, checkEnvelope } from './check';
import { ANNOTATION_BUNDLE, ANNOTATION_CERTIFICATE, ANNOTATION_SIGNATURE, SIMPLE_SIGNING, parseRekorBundle } from './cosign';
import { pae, parseEnvelope, parseStatement, statementCovers } from './dsse';
import { importPublicKeyPem } from './keys';
import { COSIGN_SIGN_PREDICATE, parseBundle } from './bundle';

const IMAGE = `sha256:${'ab'.repeat(32)}` as Digest;
const OTHER = `sha256:${'cd'.repeat(32)}` as Digest;

function payloadFor(digest: string, key = 'docker-manifest-digest'): Uint8Array {
	return new TextEncoder().encode(
		JSON.stringify({
			critical: { identity: { 'docker-reference': 'example.com/app' }, image: { [key]: digest }, type: 'cosign container image signature' },
			optional: null
		})
	);
}

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}` as Digest;

function layerFor(payload: Uint8Array, annotations: Record<string, string>): Descriptor {
	return { mediaType: SIMPLE_SIGNING, digest: sha256(payload), size: payload.length, annotations };
}

describe('checkCosignSignature', () => {
	const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const wrong = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const pemOf = (k: typeof pair) => k.publicKey.export({ type: 'spki', format: 'pem' }).toString();

	it('key-based: right key verifies, wrong key does not, unchecked without a key', async () => {
		const payload = payloadFor(IMAGE);
		const layer = layerFor(payload, { [ANNOTATION_SIGNATURE]: sign('sha256', payload, pair.privateKey).toString('base64') });
		const bytes = await verifyBytes(payload, layer.digest, layer.size);
		const right = await checkCosignSignature(bytes, layer, IMAGE, await importPublicKeyPem(pemOf(pair)));
		expect(right.verdict).toBe('verified');
		expect(right.payload?.dockerReference).toBe('example.com/app');
		expect((await checkCosignSignature(bytes, layer, IMAGE, await importPublicKeyPem(pemOf(wrong)))).verdict).toBe('does-not-verify');
		expect((await checkCosignSignature(bytes, layer, IMAGE)).verdict).toBe('unchecked');
	});

	it('a payload naming another digest is "different-image" even with the right key (case-insensitive key)', async () => {
		const payload = payloadFor(OTHER, 'Docker-manifest-digest');
		const layer = layerFor(payload, { [ANNOTATION_SIGNATURE]: sign('sha256', payload, pair.privateKey).toString('base64') });
		const check = await checkCosignSignature(await verifyBytes(payload, layer.digest), layer, IMAGE, await importPublicKeyPem(pemOf(pair)));
		expect(check.verdict).toBe('different-image');
		expect(check.message).toContain(OTHER);
	});

	it('a tampered signature does not verify', async () => {
		const payload = payloadFor(IMAGE);
		const sig = sign('sha256', payload, pair.privateKey);
		sig[sig.length - 1] = sig[sig.length - 1]! ^ 1;
		const layer = layerFor(payload, { [ANNOTATION_SIGNATURE]: sig.toString('base64') });
		const check = await checkCosignSignature(await verifyBytes(payload, layer.digest), layer, IMAGE, await importPublicKeyPem(pemOf(pair)));
		expect(check.verdict).toBe('does-not-verify');
	});

	it("keyless: checks with the certificate's key and says what is not checked", async () => {
		const payload = payloadFor(IMAGE);
		const cert = fulcioStyleCertificate(pair.privateKey, { san: 'email:dev@example.com', issuer: 'https://accounts.example.com' });
		const bundle = JSON.stringify({
			SignedEntryTimestamp: 'AA==',
			Payload: { body: 'e30=', integratedTime: 1700000000, logIndex: 42, logID: 'c0ffee' }
		});
		const annotations = {
			[ANNOTATION_SIGNATURE]: sign('sha256', payload, pair.privateKey).toString('base64'),
			[ANNOTATION_CERTIFICATE]: cert,
			[ANNOTATION_BUNDLE]: bundle
		};
		const layer = layerFor(payload, annotations);
		const check = await checkCosignSignature(await verifyBytes(payload, layer.digest), layer, IMAGE);
		expect(check.verdict).toBe('verified');
		expect(check.message).toContain('dev@example.com');
		expect(check.message).toContain('Rekor inclusion were not checked');
		expect(check.certificate?.fulcio.issuer).toBe('https://accounts.example.com');
		const otherSigner = layerFor(payload, {
			...annotations,
			[ANNOTATION_SIGNATURE]: sign('sha256', payload, wrong.privateKey).toString('base64')
		});
		expect((await checkCosignSignature(await verifyBytes(payload, layer.digest), otherSigner, IMAGE)).verdict).toBe('does-not-verify');
		expect(parseRekorBundle(bundle)).toEqual({ logIndex: 42, integratedTime: 1700000000, logId: 'c0ffee' });
	});

	it('an unreadable payload is an INVALID_DOCUMENT naming the field', async () => {
		const payload = new TextEncoder().encode('{"critical":{"identity":{},"image":{},"type":"x"}}');
		await expect(checkCosignSignature(await verifyBytes(payload, sha256(payload)), layerFor(payload, {}), IMAGE)).rejects.toThrow(
			/critical.image.docker-manifest-digest is missing/
		);
	});
});

describe('DSSE', () => {
	it('PAE matches the spec vector', () => {
		expect(new TextDecoder().decode(pae('http://example.com/HelloWorld', new TextEncoder().encode('hello world')))).toBe(
			'DSSEv1 29 http://example.com/HelloWorld 11 hello world'
		);
	});

	it('verifies an envelope over PAE, reads its statement and matches subjects by digest', async () => {
		const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
		const statement = {
			_type: 'https://in-toto.io/Statement/v1',
			subject: [{ name: 'anything', digest: { sha256: IMAGE.slice(7) } }],
			predicateType: 'https://slsa.dev/provenance/v1',
			predicate: {}
		};
		const body = Buffer.from(JSON.stringify(statement));
		const type = 'application/vnd.in-toto+json';
		const sig = sign('sha256', pae(type, body), pair.privateKey);
		const raw = new TextEncoder().encode(
			JSON.stringify({ payloadType: type, payload: body.toString('base64url'), signatures: [{ keyid: '', sig: sig.toString('base64') }] })
		);
		const envelope = parseEnvelope(raw);
		const layer: Descriptor = { mediaType: 'application/vnd.dsse.envelope.v1+json', digest: sha256(raw), size: raw.length };
		const key = await importPublicKeyPem(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString());
		expect((await checkEnvelope(envelope, layer, key)).verdict).toBe('verified');
		const other = await importPublicKeyPem(
			generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString()
		);
		expect((await checkEnvelope(envelope, layer, other)).verdict).toBe('does-not-verify');
		const parsed = parseStatement(envelope.payload);
		expect(statementCovers(parsed, IMAGE)).toBe(true);
		expect(statementCovers(parsed, OTHER)).toBe(false);
	});

	it('refuses a statement that is not in-toto', () => {
		expect(() => parseStatement(new TextEncoder().encode('{"_type":"x","subject":[],"predicateType":"p"}'))).toThrow(
			/not an in-toto Statement/
		);
	});
});

describe('Sigstore bundle (cosign v3)', () => {
	it('reads a DSSE bundle with a certificate, checks it with that certificate, reads Rekor entries', async () => {
		const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
		const cert = fulcioStyleCertificate(pair.privateKey, {
			san: 'URI:https://github.com/o/r/.github/workflows/w.yml@refs/heads/main',
			issuer: 'https://token.actions.githubusercontent.com'
		});
		const der = Buffer.from(cert.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
		const statement = Buffer.from(
			JSON.stringify({
				_type: 'https://in-toto.io/Statement/v1',
				subject: [{ name: '', digest: { sha256: IMAGE.slice(7) } }],
				predicateType: COSIGN_SIGN_PREDICATE,
				predicate: {}
			})
		);
		const type = 'application/vnd.in-toto+json';
		const raw = new TextEncoder().encode(
			JSON.stringify({
				mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
				verificationMaterial: {
					certificate: { rawBytes: der.toString('base64') },
					tlogEntries: [{ logIndex: '42', integratedTime: 1700000000 }]
				},
				dsseEnvelope: {
					payload: statement.toString('base64'),
					payloadType: type,
					signatures: [{ sig: sign('sha256', pae(type, statement), pair.privateKey).toString('base64') }]
				}
			})
		);
		const bundle = parseBundle(raw);
		expect(bundle.tlogEntries).toEqual([{ logIndex: '42', integratedTime: '1700000000' }]);
		const layer: Descriptor = { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', digest: sha256(raw), size: raw.length };
		const check = await checkEnvelope(bundle.envelope!, layer, undefined, bundle.certificate);
		expect(check.verdict).toBe('verified');
		expect(check.certificate?.uris[0]).toContain('github.com/o/r');
		expect(statementCovers(parseStatement(bundle.envelope!.payload), IMAGE)).toBe(true);
	});
	it('names the field when verificationMaterial is missing', () => {
		expect(() => parseBundle(new TextEncoder().encode('{"mediaType":"x"}'))).toThrow(/verificationMaterial is missing/);
	});
});
