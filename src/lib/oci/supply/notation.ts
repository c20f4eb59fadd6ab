/**
 * Notation (notaryproject) signatures in their JWS envelope (`application/jose+json`, JSON serialization):
 * the protected header (algorithm, signing scheme and time), the payload's `targetArtifact` (the digest
 * signed, checked against the image by the caller) and the certificate chain from the `x5c` header.
 * The signature is checked with the leaf certificate's own key; Notation's trust store and trust policy
 * (which roots and identities to accept) are not evaluated here.
 */
import { base64Decode, base64UrlDecode } from '../base64';
import { RegscopeError } from '../errors';
import { decodeJson, FieldReader, fieldPath } from '../fields';
import { certificateIdentity, parseCertificate, type Certificate } from './x509';

export const NOTATION_PAYLOAD = 'application/vnd.cncf.notary.payload.v1+json';

export interface NotationSignature {
	alg: string;
	cty: string;
	signingScheme?: string;
	signingTime?: string;
	expiry?: string;
	target: { mediaType: string; digest: string; size: number };
	/** The x5c chain, leaf first (unreadable entries dropped). */
	certificates: Certificate[];
	/** The leaf's subject DN, and its SAN identity if it has one. */
	signer?: string;
	/** What the signature covers: ASCII(protected '.' payload), as the JWS spec says. */
	signingInput: Uint8Array;
	signature: Uint8Array;
}

const NOTARY = 'io.cncf.notary.';
const reader = new FieldReader('Notation JWS envelope', 'INVALID_DOCUMENT');

function b64url(s: string, path: string): Uint8Array {
	const bytes = base64UrlDecode(s);
	if (!bytes) return reader.fail(path, 'is not base64url');
	return bytes;
}

/** Parses a JWS JSON envelope (bytes already checked against their layer digest). */
export function parseNotationJws(bytes: Uint8Array): NotationSignature {
	const r = reader;
	const o = r.object(decodeJson(bytes, 'Notation JWS envelope', 'INVALID_DOCUMENT'), '(top level)');
	const protectedText = r.string(o.protected, 'protected');
	const payloadText = r.string(o.payload, 'payload');
	const header = r.object(decodeJson(b64url(protectedText, 'protected'), 'JWS protected header', 'INVALID_DOCUMENT'), 'protected');
	const cty = r.string(header.cty, 'protected.cty');
	if (cty !== NOTATION_PAYLOAD) r.fail('protected.cty', `is ${cty}, not ${NOTATION_PAYLOAD}`);
	const payload = r.object(decodeJson(b64url(payloadText, 'payload'), 'Notation payload', 'INVALID_DOCUMENT'), 'payload');
	const t = r.object(payload.targetArtifact, 'payload.targetArtifact');
	const unprotected = r.optionalObject(o.header, 'header') ?? {};
	const x5c = Array.isArray(unprotected.x5c) ? unprotected.x5c : [];
	const certificates: Certificate[] = [];
	for (const [i, c] of x5c.entries()) {
		const der = typeof c === 'string' ? base64Decode(c) : null;
		if (!der) return r.fail(fieldPath('header.x5c', i), 'is not a base64 certificate');
		try {
			certificates.push(parseCertificate(der));
		} catch (e) {
			r.fail(fieldPath('header.x5c', i), (e as Error).message);
		}
	}
	const leaf = certificates[0];
	const identity = leaf ? certificateIdentity(leaf) : undefined;
	const sig: NotationSignature = {
		alg: r.string(header.alg, 'protected.alg'),
		cty,
		target: {
			mediaType: r.string(t.mediaType, 'payload.targetArtifact.mediaType'),
			digest: r.string(t.digest, 'payload.targetArtifact.digest'),
			size: r.nonNegativeInteger(t.size, 'payload.targetArtifact.size')
		},
		certificates,
		signingInput: new TextEncoder().encode(`${protectedText}.${payloadText}`),
		signature: b64url(r.string(o.signature, 'signature'), 'signature')
	};
	const opt = (k: string) => r.optionalString(header[NOTARY + k], `protected.${NOTARY}${k}`);
	const scheme = opt('signingScheme');
	const time = opt('signingTime') ?? opt('authenticSigningTime');
	const expiry = opt('expiry');
	if (scheme) sig.signingScheme = scheme;
	if (time) sig.signingTime = time;
	if (expiry) sig.expiry = expiry;
	if (leaf) sig.signer = identity ? `${leaf.subject} (${identity})` : leaf.subject;
	return sig;
}

const ALGS: Record<string, { ec?: string; hash: string; salt: number }> = {
	ES256: { ec: 'P-256', hash: 'SHA-256', salt: 0 },
	ES384: { ec: 'P-384', hash: 'SHA-384', salt: 0 },
	ES512: { ec: 'P-521', hash: 'SHA-512', salt: 0 },
	PS256: { hash: 'SHA-256', salt: 32 },
	PS384: { hash: 'SHA-384', salt: 48 },
	PS512: { hash: 'SHA-512', salt: 64 }
};

/**
 * Whether the signature verifies with the leaf certificate's key (JWS: ECDSA as raw r‖s, RSASSA-PSS).
 * Says nothing about whether that certificate is trusted.
 */
export async function verifyNotationSignature(sig: NotationSignature): Promise<boolean> {
	const alg = ALGS[sig.alg];
	const leaf = sig.certificates[0];
	if (!alg)
		throw new RegscopeError(
			'INVALID_DOCUMENT',
			`Notation JWS: the algorithm ${sig.alg} is not one Notation allows (ES256/384/512, PS256/384/512)`
		);
	if (!leaf) throw new RegscopeError('INVALID_DOCUMENT', 'Notation JWS: header.x5c holds no signing certificate');
	const subtle = globalThis.crypto.subtle;
	const spki = leaf.spki.slice() as Uint8Array<ArrayBuffer>;
	try {
		if (alg.ec) {
			const key = await subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: alg.ec }, false, ['verify']);
			return await subtle.verify({ name: 'ECDSA', hash: alg.hash }, key, sig.signature.slice(), sig.signingInput.slice());
		}
		const key = await subtle.importKey('spki', spki, { name: 'RSA-PSS', hash: alg.hash }, false, ['verify']);
		return await subtle.verify({ name: 'RSA-PSS', saltLength: alg.salt }, key, sig.signature.slice(), sig.signingInput.slice());
	} catch {
		return false;
	}
}
