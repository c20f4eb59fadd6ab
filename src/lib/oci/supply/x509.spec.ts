import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fulcioStyleCertificate } from '../../../../tests/support/test-cert';
import { decodePem } from './keys';
import { certificateIdentity, parseCertificate } from './x509';

describe('parseCertificate', () => {
	const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

	it('reads an email SAN, the Fulcio issuer (v2 over v1) and build extensions', () => {
		const pem = fulcioStyleCertificate(privateKey, {
			san: 'email:signer@example.com',
			issuer: 'https://accounts.example.com',
			extra: { 9: 'https://github.com/o/r/.github/workflows/b.yml@refs/heads/main', 12: 'https://github.com/o/r' }
		});
		const der = decodePem(pem)[0]!.der;
		const cert = parseCertificate(der);
		expect(cert.emails).toEqual(['signer@example.com']);
		expect(certificateIdentity(cert)).toBe('signer@example.com');
		expect(cert.fulcio.issuer).toBe('https://accounts.example.com');
		expect(cert.fulcio.buildSignerUri).toBe('https://github.com/o/r/.github/workflows/b.yml@refs/heads/main');
		expect(cert.fulcio.sourceRepositoryUri).toBe('https://github.com/o/r');
		expect(cert.serialNumber).toBe('1234');
		expect(cert.issuer).toBe('O=sigstore.dev');
		// Our validity and key must agree with node's own X.509 reader.
		const node = new X509Certificate(pem);
		expect(new Date(cert.notAfter!).getTime()).toBe(new Date(node.validTo).getTime());
		expect(Buffer.from(cert.spki).equals(publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
	});

	it('reads a URI SAN (GitHub workflow identity)', () => {
		const uri = 'https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1';
		const cert = parseCertificate(
			decodePem(fulcioStyleCertificate(privateKey, { san: `URI:${uri}`, issuer: 'https://token.actions.githubusercontent.com' }))[0]!.der
		);
		expect(cert.uris).toEqual([uri]);
		expect(certificateIdentity(cert)).toBe(uri);
		expect(cert.fulcio.issuer).toBe('https://token.actions.githubusercontent.com');
	});

	it('refuses truncated DER', () => {
		const der = decodePem(fulcioStyleCertificate(privateKey, { san: 'email:a@b.c', issuer: 'x' }))[0]!.der;
		expect(() => parseCertificate(der.subarray(0, der.length - 10))).toThrow();
	});
});
