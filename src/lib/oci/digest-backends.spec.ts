import { describe, expect, it } from 'vitest';
import { computeDigest, wasmHex } from './digest';

const ABC = new TextEncoder().encode('abc');
// FIPS 180-2 test vectors for "abc".
const SHA256_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const SHA512_ABC =
	'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f';

describe('the two hashing back ends agree', () => {
	it('WebCrypto (computeDigest here) and hash-wasm give the FIPS vectors', async () => {
		expect(await computeDigest(ABC, 'sha256')).toBe(`sha256:${SHA256_ABC}`);
		expect(await computeDigest(ABC, 'sha512')).toBe(`sha512:${SHA512_ABC}`);
		expect(await wasmHex(ABC, 'sha256')).toBe(SHA256_ABC);
		expect(await wasmHex(ABC, 'sha512')).toBe(SHA512_ABC);
	});

	it('agree on a large, odd-sized input', async () => {
		const big = new Uint8Array(1_000_003).map((_, i) => (i * 31) & 0xff);
		expect(await computeDigest(big, 'sha256')).toBe(`sha256:${await wasmHex(big, 'sha256')}`);
	});
});
