/**
 * Digests: the grammar check that turns a string into a `Digest`, and hashing: with WebCrypto where the
 * platform has it (Node, browsers in a secure context), else with hash-wasm (WebAssembly), which is
 * loaded only then, so a page that does not need it does not download it.
 */
import { RegscopeError, type ErrorCode } from './errors';
import type { Digest } from './model';
import { untrustedText } from './text';

/** The algorithms regscope can verify. Others may be well-formed but can never be checked. */
export type DigestAlgorithm = 'sha256' | 'sha512';

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };

/** OCI descriptor grammar (image-spec descriptor.md): `algorithm ":" encoded`. */
const DIGEST_GRAMMAR = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;

function isAlgorithm(s: string): s is DigestAlgorithm {
	return Object.hasOwn(HEX_LENGTH, s);
}

/** Shows at most 80 printable characters of untrusted input in a message. */
function excerpt(s: string): string {
	return untrustedText(s, 80);
}

/**
 * Parses a digest. `where` names the value in the message ("manifest field config.digest"),
 * `code` is the error for a malformed digest (the caller knows whose fault it is). A well-formed
 * digest of an algorithm we cannot compute is always UNSUPPORTED_DIGEST: accepting it would mean
 * showing content we cannot verify.
 */
export function parseDigest(s: string, where = 'digest', code: ErrorCode = 'INVALID_REQUEST'): Digest {
	const match = DIGEST_GRAMMAR.exec(s);
	if (!match) {
		throw new RegscopeError(
			code,
			`${where} "${excerpt(s)}" is not a digest; expected algorithm:hex, for example sha256: followed by 64 lowercase hex characters`,
			{ where, value: excerpt(s) }
		);
	}
	const algorithm = match[1] ?? '';
	const encoded = match[2] ?? '';
	if (!isAlgorithm(algorithm)) {
		throw new RegscopeError(
			'UNSUPPORTED_DIGEST',
			`${where} uses the digest algorithm "${excerpt(algorithm)}", which regscope cannot verify (only sha256 and sha512)`,
			{ where, value: excerpt(s) }
		);
	}
	const length = HEX_LENGTH[algorithm];
	if (encoded.length !== length || !/^[a-f0-9]+$/.test(encoded)) {
		throw new RegscopeError(
			code,
			`${where} "${excerpt(s)}" is not a valid ${algorithm} digest: it needs exactly ${length} lowercase hex characters after "${algorithm}:"`,
			{ where, value: excerpt(s) }
		);
	}
	return s as Digest;
}

/** The algorithm of a parsed digest. */
export function algorithmOf(d: Digest): DigestAlgorithm {
	const algorithm = d.slice(0, d.indexOf(':'));
	if (!isAlgorithm(algorithm)) {
		// Only reachable if someone cast a string to Digest instead of parsing it.
		throw new RegscopeError('UNSUPPORTED_DIGEST', `cannot verify digest ${excerpt(d)}`);
	}
	return algorithm;
}

const SUBTLE_NAME: Record<DigestAlgorithm, string> = { sha256: 'SHA-256', sha512: 'SHA-512' };

/** WebCrypto's digest API, absent from browser pages served over plain http to another machine. */
function subtle(): SubtleCrypto | undefined {
	return globalThis.crypto?.subtle;
}

/** The hex digest with hash-wasm (the fallback when WebCrypto is unavailable). */
export async function wasmHex(bytes: Uint8Array, algorithm: DigestAlgorithm): Promise<string> {
	const { createSHA256, createSHA512 } = await import('hash-wasm');
	const hasher = algorithm === 'sha512' ? await createSHA512() : await createSHA256();
	hasher.init();
	hasher.update(bytes);
	return hasher.digest('hex');
}

async function webCryptoHex(api: SubtleCrypto, bytes: Uint8Array, algorithm: DigestAlgorithm): Promise<string> {
	const sum = new Uint8Array(await api.digest(SUBTLE_NAME[algorithm], bytes as Uint8Array<ArrayBuffer>));
	let hex = '';
	for (const b of sum) hex += b.toString(16).padStart(2, '0');
	return hex;
}

/** Hashes the exact bytes given, never a re-serialization: a digest names bytes, and re-encoding JSON changes them. */
export async function computeDigest(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): Promise<Digest> {
	const api = subtle();
	const hex = api ? await webCryptoHex(api, bytes, algorithm) : await wasmHex(bytes, algorithm);
	return `${algorithm}:${hex}` as Digest;
}

/** Loads and compiles hash-wasm ahead of the first `computeDigest`, where WebCrypto is missing. */
export function warmHasher(): void {
	if (subtle()) return;
	import('hash-wasm')
		.then((h) => h.createSHA256())
		.catch(() => {
			/* computeDigest reports any failure when it is actually needed */
		});
}

/** `sha256:abcdef123456`: the algorithm and the first 12 characters, as docker prints IDs. */
export function shortDigest(d: string): string {
	const colon = d.indexOf(':');
	return colon < 0 ? d.slice(0, 12) : d.slice(0, colon + 13);
}
