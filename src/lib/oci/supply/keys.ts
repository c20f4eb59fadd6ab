/**
 * Public keys for signature checks, with WebCrypto only (browsers and Node alike): PEM decoding,
 * SubjectPublicKeyInfo import (ECDSA P-256/P-384, RSA, Ed25519) and verification of the
 * signature formats cosign writes (DER ECDSA, PKCS#1 v1.5 RSA, raw Ed25519).
 */
import { RegscopeError } from '../errors';
import { children, contents, derSignatureToP1363, oidString, readTlv, TAG } from '../der';

export type KeyType = 'EC P-256' | 'EC P-384' | 'RSA' | 'Ed25519';

export interface PublicKey {
	type: KeyType;
	/** The DER SubjectPublicKeyInfo, as imported. */
	spki: Uint8Array;
	/** Imported once per hash that may be needed (ECDSA and RSA keys are bound to a hash in WebCrypto). */
	keys: { hash: string; key: CryptoKey }[];
}

const EC_CURVES: Record<string, { type: KeyType; namedCurve: string; size: number; hashes: string[] }> = {
	'1.2.840.10045.3.1.7': { type: 'EC P-256', namedCurve: 'P-256', size: 32, hashes: ['SHA-256'] },
	// cosign has signed with SHA-256 whatever the curve; newer sigstore code picks the curve's own hash.
	'1.3.132.0.34': { type: 'EC P-384', namedCurve: 'P-384', size: 48, hashes: ['SHA-384', 'SHA-256'] }
};
const OID_EC = '1.2.840.10045.2.1';
const OID_RSA = '1.2.840.113549.1.1.1';
const OID_ED25519 = '1.3.101.112';

export interface PemBlock {
	label: string;
	der: Uint8Array;
}

/** Every `-----BEGIN X-----` block in `text`, decoded. */
export function decodePem(text: string): PemBlock[] {
	const out: PemBlock[] = [];
	const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
	for (const m of text.matchAll(re)) {
		const b64 = m[2]!.replace(/\s+/g, '');
		if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
			throw new RegscopeError('INVALID_REQUEST', `the PEM block "${m[1]}" is not valid base64`);
		}
		out.push({ label: m[1]!, der: Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)) });
	}
	return out;
}

function subtle(): SubtleCrypto {
	return globalThis.crypto.subtle;
}

function keyError(message: string): RegscopeError {
	return new RegscopeError('INVALID_REQUEST', message);
}

/** Imports a DER SubjectPublicKeyInfo. Throws INVALID_REQUEST naming what is wrong or unsupported. */
export async function importSpki(spki: Uint8Array): Promise<PublicKey> {
	let oid: string;
	let param: string | undefined;
	try {
		const top = readTlv(spki, 0);
		const [alg] = children(spki, top);
		if (!alg || alg.tag !== TAG.SEQUENCE) throw new Error('no algorithm');
		const [id, params] = children(spki, alg);
		if (!id || id.tag !== TAG.OID) throw new Error('no algorithm OID');
		oid = oidString(contents(spki, id));
		if (params?.tag === TAG.OID) param = oidString(contents(spki, params));
	} catch (e) {
		throw keyError(`the public key is not a DER SubjectPublicKeyInfo (${(e as Error).message})`);
	}
	const data = spki.slice() as Uint8Array<ArrayBuffer>;
	try {
		if (oid === OID_EC) {
			const curve = param ? EC_CURVES[param] : undefined;
			if (!curve) throw keyError(`the EC key uses curve ${param ?? '(none)'}; only P-256 and P-384 are supported`);
			const keys = await Promise.all(
				curve.hashes.map(async (hash) => ({
					hash,
					key: await subtle().importKey('spki', data, { name: 'ECDSA', namedCurve: curve.namedCurve }, false, ['verify'])
				}))
			);
			return { type: curve.type, spki: data, keys };
		}
		if (oid === OID_RSA) {
			const key = await subtle().importKey('spki', data, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
			return { type: 'RSA', spki: data, keys: [{ hash: 'SHA-256', key }] };
		}
		if (oid === OID_ED25519) {
			const key = await subtle().importKey('spki', data, { name: 'Ed25519' }, false, ['verify']);
			return { type: 'Ed25519', spki: data, keys: [{ hash: '', key }] };
		}
	} catch (e) {
		if (e instanceof RegscopeError) throw e;
		throw keyError(`this browser could not import the key (${(e as Error).message})`);
	}
	throw keyError(`the key algorithm ${oid} is not supported (ECDSA P-256/P-384, RSA or Ed25519)`);
}

/** Imports the first PUBLIC KEY block of a PEM text. */
export async function importPublicKeyPem(pem: string): Promise<PublicKey> {
	const blocks = decodePem(pem);
	const block = blocks.find((b) => b.label === 'PUBLIC KEY');
	if (!block) {
		const labels = blocks.map((b) => b.label).join(', ');
		throw keyError(
			labels
				? `expected a "PUBLIC KEY" PEM block, found ${labels}${labels.includes('PRIVATE') ? ' (never paste a private key anywhere)' : ''}`
				: 'no PEM block found: paste the key including its -----BEGIN PUBLIC KEY----- line'
		);
	}
	return importSpki(block.der);
}

/**
 * Checks `signature` over `data` (the bytes themselves: WebCrypto hashes them). ECDSA signatures
 * are DER, as cosign and DSSE write them; a malformed signature is simply false.
 */
export async function verifySignature(key: PublicKey, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
	const message = data.slice() as Uint8Array<ArrayBuffer>;
	for (const { hash, key: k } of key.keys) {
		let ok: boolean;
		try {
			if (key.type === 'RSA') {
				ok = await subtle().verify({ name: 'RSASSA-PKCS1-v1_5' }, k, signature.slice(), message);
			} else if (key.type === 'Ed25519') {
				ok = await subtle().verify({ name: 'Ed25519' }, k, signature.slice(), message);
			} else {
				const size = key.type === 'EC P-256' ? 32 : 48;
				const raw = derSignatureToP1363(signature, size) as Uint8Array<ArrayBuffer>;
				ok = await subtle().verify({ name: 'ECDSA', hash }, k, raw, message);
			}
		} catch {
			ok = false;
		}
		if (ok) return true;
	}
	return false;
}
