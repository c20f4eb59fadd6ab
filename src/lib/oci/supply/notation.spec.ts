import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { notationEnvelope } from '../../../../tests/fixtures/supply';
import { fulcioStyleCertificate } from '../../../../tests/support/test-cert';
import { checkNotation } from './check';
import { parseNotationJws, verifyNotationSignature } from './notation';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const cert = fulcioStyleCertificate(privateKey, { san: 'email:notary@example.com', issuer: 'https://issuer.example.com' });
const target = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 1234 };
const bytes = notationEnvelope(target, privateKey, cert, '2024-03-01T12:00:00Z');

describe('Notation JWS', () => {
	it('reads the signed target, the scheme and time, and the signer from x5c', () => {
		const sig = parseNotationJws(bytes);
		expect(sig.target).toEqual(target);
		expect(sig.alg).toBe('ES256');
		expect(sig.signingScheme).toBe('notary.x509');
		expect(sig.signingTime).toBe('2024-03-01T12:00:00Z');
		expect(sig.signer).toBe('O=sigstore.dev (notary@example.com)');
	});

	it('verifies with the leaf key; a changed payload does not', async () => {
		const sig = parseNotationJws(bytes);
		expect(await verifyNotationSignature(sig)).toBe(true);
		const o = JSON.parse(new TextDecoder().decode(bytes)) as { payload: string };
		const other = { ...target, digest: `sha256:${'b'.repeat(64)}` };
		o.payload = Buffer.from(JSON.stringify({ targetArtifact: other })).toString('base64url');
		expect(await verifyNotationSignature(parseNotationJws(new TextEncoder().encode(JSON.stringify(o))))).toBe(false);
	});

	it('gives verdicts: verified (trust policy not evaluated), different image', async () => {
		const sig = parseNotationJws(bytes);
		const ok = await checkNotation(sig, target.digest);
		expect(ok.verdict).toBe('verified');
		expect(ok.message).toContain('trust policy');
		expect((await checkNotation(sig, `sha256:${'c'.repeat(64)}`)).verdict).toBe('different-image');
	});

	it('names the field that is wrong', () => {
		const o = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
		delete o.signature;
		expect(() => parseNotationJws(new TextEncoder().encode(JSON.stringify(o)))).toThrow(/signature/);
		const h = { ...o, protected: Buffer.from('{"alg":"ES256","cty":"text/plain"}').toString('base64url') };
		expect(() => parseNotationJws(new TextEncoder().encode(JSON.stringify(h)))).toThrow(/cty/);
	});
});
