import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { wasmHasher, type StreamHasher } from './hash';

/** Feeds `bytes` in pieces of `step` and returns the digest. */
async function hashWith(h: StreamHasher, bytes: Uint8Array, step: number): Promise<string> {
	for (let at = 0; at < bytes.length; at += step) h.update(bytes.subarray(at, at + step));
	return h.digest();
}

const ascii = (s: string) => new TextEncoder().encode(s);

// FIPS 180-2 appendix examples.
const vectors: { input: Uint8Array; sha256: string; sha512: string }[] = [
	{
		input: ascii('abc'),
		sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
		sha512:
			'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f'
	},
	{
		input: ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
		sha256: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
		sha512:
			'204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445'
	},
	{
		input: new Uint8Array(1_000_000).fill(0x61),
		sha256: 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
		sha512:
			'e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b'
	}
];

describe('wasmHasher', () => {
	for (const algorithm of ['sha256', 'sha512'] as const) {
		for (const [i, v] of vectors.entries()) {
			it(`gives the FIPS ${algorithm} digest of example ${i + 1}, fed whole and in pieces`, async () => {
				expect(await hashWith(await wasmHasher(algorithm), v.input, v.input.length)).toBe(v[algorithm]);
				expect(await hashWith(await wasmHasher(algorithm), v.input, 4093)).toBe(v[algorithm]);
			});
		}

		it(`agrees with Node's ${algorithm} on random bytes in uneven pieces`, async () => {
			const data = new Uint8Array(randomBytes(300_007));
			expect(await hashWith(await wasmHasher(algorithm), data, 65_521)).toBe(createHash(algorithm).update(data).digest('hex'));
		});
	}
});
