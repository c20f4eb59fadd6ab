/**
 * libtrust JWS signatures of Docker schema1 manifests, checked with
 * WebCrypto (`globalThis.crypto.subtle`: browsers and Node 20 alike, no `node:` import).
 *
 * - Key from the header's `jwk` (EC P-256/384/521, RSA) or the first `x5c` certificate (standard
 *   base64 DER; a tiny DER walker takes its SubjectPublicKeyInfo). The x5c chain is counted but not
 *   checked against any CA: Docker has no trust root, and a valid signature only proves the envelope.
 * - Signing input: `protected + "." + base64url(payload)`, as libtrust's `Verify`.
 * - Key ID: libtrust's fingerprint, SHA-256 of the DER SubjectPublicKeyInfo, first 240 bits, base32,
 *   12 groups of 4 joined by ':'.
 *
 * Nothing here throws for a bad signature: every problem becomes a status and a reason.
 */
import { base64Decode, base64UrlDecode, base64UrlEncode } from './base64';
import type { Schema1Signature } from './model';
import { isObject } from './text';
import { children, readTlv } from './der';

// ---------------------------------------------------------------------------------------------
// libtrust key IDs

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding. */
function base32(bytes: Uint8Array): string {
	let out = '';
	let buffer = 0;
	let bits = 0;
	for (const byte of bytes) {
		buffer = (buffer << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			out += BASE32[(buffer >>> (bits - 5)) & 31];
			bits -= 5;
		}
		buffer &= (1 << bits) - 1;
	}
	if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
	return out;
}

/** libtrust `keyIDEncode`: base32 of the first 30 bytes, in groups of 4 joined by ':'. */
export function libtrustKeyId(spkiSha256: Uint8Array): string {
	const s = base32(spkiSha256.subarray(0, 30));
	return (s.match(/.{1,4}/g) ?? []).join(':');
}

// ---------------------------------------------------------------------------------------------
// DER (just enough to find a certificate's SubjectPublicKeyInfo)

const SEQUENCE = 0x30;

/**
 * The DER SubjectPublicKeyInfo of an X.509 certificate: Certificate → tbsCertificate →
 * [version], serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo.
 */
export function certificateSpki(der: Uint8Array): Uint8Array {
	const cert = readTlv(der, 0, der.length);
	if (cert.tag !== SEQUENCE) throw new Error('not a DER certificate');
	const tbs = children(der, cert)[0];
	if (!tbs || tbs.tag !== SEQUENCE) throw new Error('certificate has no tbsCertificate');
	const fields = children(der, tbs);
	const offset = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] EXPLICIT version
	const spki = fields[offset + 5];
	if (!spki || spki.tag !== SEQUENCE) throw new Error('certificate has no subjectPublicKeyInfo');
	return der.slice(spki.start, spki.end);
}

const OIDS: Record<string, string> = {
	'2a864886f70d010101': 'rsa',
	'2a8648ce3d0201': 'ec',
	'2a8648ce3d030107': 'P-256',
	'2b81040022': 'P-384',
	'2b81040023': 'P-521'
};

function hex(bytes: Uint8Array): string {
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The key type in a SubjectPublicKeyInfo: `{ kty: 'RSA' }` or `{ kty: 'EC', crv }`. */
export function spkiAlgorithm(spki: Uint8Array): { kty: 'RSA' } | { kty: 'EC'; crv: string } {
	const top = readTlv(spki, 0, spki.length);
	const algorithm = children(spki, top)[0];
	if (!algorithm || algorithm.tag !== SEQUENCE) throw new Error('malformed SubjectPublicKeyInfo');
	const [oid, params] = children(spki, algorithm);
	if (!oid || oid.tag !== 0x06) throw new Error('malformed SubjectPublicKeyInfo');
	const kind = OIDS[hex(spki.subarray(oid.body, oid.end))];
	if (kind === 'rsa') return { kty: 'RSA' };
	if (kind === 'ec') {
		const curve = params && params.tag === 0x06 ? OIDS[hex(spki.subarray(params.body, params.end))] : undefined;
		if (!curve) throw new Error('the certificate uses an elliptic curve other than P-256, P-384 or P-521');
		return { kty: 'EC', crv: curve };
	}
	throw new Error('the certificate key is neither RSA nor EC');
}

// ---------------------------------------------------------------------------------------------
// Keys and algorithms

const EC_CURVES: Record<string, { alg: string; hash: string; signatureLength: number }> = {
	'P-256': { alg: 'ES256', hash: 'SHA-256', signatureLength: 64 },
	'P-384': { alg: 'ES384', hash: 'SHA-384', signatureLength: 96 },
	'P-521': { alg: 'ES512', hash: 'SHA-512', signatureLength: 132 }
};

const RSA_HASHES: Record<string, string> = { RS256: 'SHA-256', RS384: 'SHA-384', RS512: 'SHA-512' };

type KeySpec =
	| { kty: 'EC'; crv: string; import: (usage: KeyUsage[]) => Promise<CryptoKey> }
	| { kty: 'RSA'; import: (hash: string, usage: KeyUsage[]) => Promise<CryptoKey> };

class SignatureProblem extends Error {
	constructor(
		readonly status: 'invalid' | 'unverifiable',
		message: string
	) {
		super(message);
	}
}

const invalid = (why: string) => new SignatureProblem('invalid', why);

function jwkKey(subtle: SubtleCrypto, jwk: Record<string, unknown>): KeySpec {
	const str = (k: string) => {
		const v = jwk[k];
		if (typeof v !== 'string' || v === '') throw invalid(`the jwk has no ${k}`);
		return v;
	};
	if (jwk.kty === 'EC') {
		const crv = str('crv');
		if (!EC_CURVES[crv]) throw invalid(`the jwk uses curve ${crv}; libtrust knows P-256, P-384 and P-521`);
		// Only the public members: a stray "d" would make it a private key.
		const pub: JsonWebKey = { kty: 'EC', crv, x: str('x'), y: str('y'), ext: true };
		return {
			kty: 'EC',
			crv,
			import: (usage) => subtle.importKey('jwk', pub, { name: 'ECDSA', namedCurve: crv }, true, usage)
		};
	}
	if (jwk.kty === 'RSA') {
		const pub: JsonWebKey = { kty: 'RSA', n: str('n'), e: str('e'), ext: true };
		return {
			kty: 'RSA',
			import: (hash, usage) => subtle.importKey('jwk', pub, { name: 'RSASSA-PKCS1-v1_5', hash }, true, usage)
		};
	}
	throw invalid(`the jwk has key type ${JSON.stringify(jwk.kty)}; libtrust knows EC and RSA`);
}

function x5cKey(subtle: SubtleCrypto, chain: unknown[]): KeySpec {
	const first = chain[0];
	if (typeof first !== 'string') throw invalid('x5c[0] is not a base64 certificate');
	const der = base64Decode(first.replace(/[\n\r ]/g, ''));
	if (!der) throw invalid('x5c[0] is not standard base64');
	let spki: Uint8Array;
	let algorithm: ReturnType<typeof spkiAlgorithm>;
	try {
		spki = certificateSpki(der);
		algorithm = spkiAlgorithm(spki);
	} catch (e) {
		throw new SignatureProblem('unverifiable', `x5c[0] could not be read (${e instanceof Error ? e.message : String(e)})`);
	}
	const data = spki as Uint8Array<ArrayBuffer>;
	if (algorithm.kty === 'EC') {
		const crv = algorithm.crv;
		return {
			kty: 'EC',
			crv,
			import: (usage) => subtle.importKey('spki', data, { name: 'ECDSA', namedCurve: crv }, true, usage)
		};
	}
	return {
		kty: 'RSA',
		import: (hash, usage) => subtle.importKey('spki', data, { name: 'RSASSA-PKCS1-v1_5', hash }, true, usage)
	};
}

/** The libtrust key ID of a public CryptoKey (its DER SubjectPublicKeyInfo, hashed). */
export async function keyIdOf(key: CryptoKey, subtle: SubtleCrypto = globalThis.crypto.subtle): Promise<string> {
	const spki = new Uint8Array(await subtle.exportKey('spki', key));
	return libtrustKeyId(new Uint8Array(await subtle.digest('SHA-256', spki)));
}

function keyTypeOf(key: CryptoKey): string {
	const a = key.algorithm as { name: string; namedCurve?: string; modulusLength?: number };
	return a.namedCurve ? `EC ${a.namedCurve}` : `RSA ${a.modulusLength ?? '?'}`;
}

// ---------------------------------------------------------------------------------------------
// Verification

/** One entry of a schema1 `signatures` array, as found in the document. */
export interface JwsSignatureBlock {
	/** The unprotected header (`alg`, `jwk` or `x5c`); untrusted. */
	header: unknown;
	/** base64url signature; untrusted. */
	signature: unknown;
	/** base64url protected header, exactly as written (it is part of the signing input). */
	protected: string;
	/** The decoded protected header. */
	protectedHeader: Record<string, unknown>;
}

/**
 * One buffer holding `payloadB64` once, at a fixed offset; each signature's protected header and the dot
 * are written just before it, so every signing input `protected.payload` is a view of the same bytes
 * (a multi-MiB payload is encoded once, not once per signature).
 */
class SigningInput {
	private readonly buffer: Uint8Array;
	private readonly at: number;

	constructor(payloadB64: string, longestProtected: number) {
		const payload = new TextEncoder().encode(payloadB64);
		this.at = longestProtected + 1;
		this.buffer = new Uint8Array(this.at + payload.length);
		this.buffer.set(payload, this.at);
	}

	/** The signing input for one protected header (ASCII base64url); valid until the next call. */
	for(protectedB64: string): Uint8Array {
		const head = new TextEncoder().encode(`${protectedB64}.`);
		const start = this.at - head.length;
		this.buffer.set(head, start);
		return this.buffer.subarray(start);
	}
}

async function checkOne(block: JwsSignatureBlock, signingInput: SigningInput, subtle: SubtleCrypto | null): Promise<Schema1Signature> {
	const header = isObject(block.header) ? block.header : {};
	const alg = typeof header.alg === 'string' ? header.alg : '';
	const result: Schema1Signature = { alg, keySource: 'none', status: 'invalid' };
	const time = block.protectedHeader.time;
	if (typeof time === 'string') result.time = time;
	try {
		if (!isObject(block.header)) throw invalid('the signature has no header');
		if (!subtle) throw new SignatureProblem('unverifiable', 'this environment has no WebCrypto');
		let spec: KeySpec;
		if (Array.isArray(header.x5c)) {
			result.keySource = 'x5c';
			result.chainLength = header.x5c.length;
			spec = x5cKey(subtle, header.x5c);
		} else if (isObject(header.jwk)) {
			result.keySource = 'jwk';
			if (typeof header.jwk.kid === 'string') result.declaredKeyId = header.jwk.kid;
			spec = jwkKey(subtle, header.jwk);
		} else {
			throw invalid('the signature header carries no public key (neither jwk nor x5c)');
		}

		let hash: string;
		let ecLength = 0;
		if (spec.kty === 'EC') {
			const curve = EC_CURVES[spec.crv];
			if (!curve) throw invalid(`unsupported curve ${spec.crv}`);
			if (alg !== curve.alg) {
				throw invalid(`an EC ${spec.crv} key can only sign ${curve.alg}, but the header says ${JSON.stringify(alg)}`);
			}
			hash = curve.hash;
			ecLength = curve.signatureLength;
		} else {
			const h = RSA_HASHES[alg];
			if (!h) throw invalid(`an RSA key signs RS256, RS384 or RS512, but the header says ${JSON.stringify(alg)}`);
			hash = h;
		}

		let key: CryptoKey;
		try {
			key = spec.kty === 'EC' ? await spec.import(['verify']) : await spec.import(hash, ['verify']);
		} catch (e) {
			const why = e instanceof Error ? e.message : String(e);
			// P-521 is missing from some browsers' WebCrypto: that is ours to admit, not the signer's fault.
			if (spec.kty === 'EC' && spec.crv === 'P-521' && /support/i.test(why)) {
				throw new SignatureProblem('unverifiable', `this browser cannot check P-521 signatures (${why})`);
			}
			throw invalid(`the public key is not usable (${why})`);
		}
		result.keyType = keyTypeOf(key);
		result.keyId = await keyIdOf(key, subtle);
		if (result.declaredKeyId !== undefined && result.declaredKeyId !== result.keyId) {
			throw invalid(`the jwk's kid ${result.declaredKeyId} is not the ID of its key (${result.keyId})`);
		}

		if (typeof block.signature !== 'string') throw invalid('the signature value is missing');
		const signature = base64UrlDecode(block.signature);
		if (!signature) throw invalid('the signature value is not base64url');
		if (ecLength && signature.length !== ecLength) {
			throw invalid(`an ${alg} signature is ${ecLength} bytes, this one is ${signature.length}`);
		}
		const input = signingInput.for(block.protected);
		const algorithm = spec.kty === 'EC' ? { name: 'ECDSA', hash } : { name: 'RSASSA-PKCS1-v1_5' };
		const ok = await subtle.verify(algorithm, key, signature as Uint8Array<ArrayBuffer>, input as Uint8Array<ArrayBuffer>);
		if (!ok) throw invalid('the signature does not match the payload and protected header');
		result.status = 'valid';
		return result;
	} catch (e) {
		if (e instanceof SignatureProblem) {
			result.status = e.status;
			result.reason = e.message;
		} else {
			result.status = 'unverifiable';
			result.reason = `the signature could not be checked (${e instanceof Error ? e.message : String(e)})`;
		}
		return result;
	}
}

/**
 * Checks every signature over `payload` (the reconstructed JWS payload), sequentially. Never throws: each
 * result says `valid`, `invalid` or `unverifiable`, with a reason. The caller bounds how many there are
 * (schema1Envelope refuses more than MAX_SCHEMA1_SIGNATURES).
 */
export async function verifySignatures(
	blocks: JwsSignatureBlock[],
	payload: Uint8Array,
	/** null: no WebCrypto here (every signature is then `unverifiable`). */
	subtle: SubtleCrypto | null = globalThis.crypto?.subtle ?? null
): Promise<Schema1Signature[]> {
	const longest = blocks.reduce((n, b) => Math.max(n, b.protected.length), 0);
	const input = new SigningInput(base64UrlEncode(payload), longest);
	// One after another: the shared input is rewritten for each, and the work stays one signature at a time.
	const results: Schema1Signature[] = [];
	for (const block of blocks) results.push(await checkOne(block, input, subtle));
	return results;
}
