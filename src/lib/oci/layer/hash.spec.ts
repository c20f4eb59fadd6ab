import { createHash, randomBytes } from 'node:crypto';
import { createSHA256, createSHA512 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import type { DigestAlgorithm } from '../digest';
import { budgetHasher, HashBudget, type StreamHasher } from './hash';

async function wasm(algorithm: DigestAlgorithm): Promise<StreamHasher> {
	const h = algorithm === 'sha512' ? await createSHA512() : await createSHA256();
	h.init();
	return { update: (c) => void h.update(c), digest: async () => h.digest('hex') };
}

/** Feeds `bytes` in pieces of `step` and returns the digest and whether it was still collecting at the end. */
async function hashWith(h: StreamHasher, bytes: Uint8Array, step: number) {
	for (let at = 0; at < bytes.length; at += step) h.update(bytes.subarray(at, at + step));
	const collecting = h.collecting;
	return { hex: await h.digest(), collecting };
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

describe('budgetHasher', () => {
	for (const algorithm of ['sha256', 'sha512'] as const) {
		for (const [i, v] of vectors.entries()) {
			it(`gives the FIPS ${algorithm} digest of example ${i + 1}, collected and streamed`, async () => {
				const collected = budgetHasher(algorithm, new HashBudget(2_000_000), () => {
					throw new Error('the budget should have held the input');
				});
				const streamedFallback = await wasm(algorithm);
				const streamed = budgetHasher(algorithm, new HashBudget(0), () => streamedFallback);
				expect(await hashWith(collected, v.input, 4096)).toEqual({ hex: v[algorithm], collecting: true });
				expect(await hashWith(streamed, v.input, 4096)).toEqual({ hex: v[algorithm], collecting: false });
			});
		}

		it(`gives the same ${algorithm} digests on either side of the budget, with and without a known size`, async () => {
			const data = new Uint8Array(randomBytes(300_000));
			const budgetSize = 100_000;
			for (const length of [0, 1, budgetSize - 1, budgetSize, budgetSize + 1, 300_000]) {
				const input = data.subarray(0, length);
				const expected = createHash(algorithm).update(input).digest('hex');
				for (const step of [1000, 65_536]) {
					const fallback = await wasm(algorithm);
					const unknownSize = await hashWith(
						budgetHasher(algorithm, new HashBudget(budgetSize), () => fallback),
						input,
						step
					);
					expect(unknownSize.hex).toBe(expected);
					const fallback2 = await wasm(algorithm);
					const knownSize = await hashWith(
						budgetHasher(algorithm, new HashBudget(budgetSize), () => fallback2, length),
						input,
						step
					);
					expect(knownSize).toEqual({ hex: expected, collecting: length <= budgetSize });
				}
			}
		});
	}

	it('switches to the fallback once the budget is spent, feeding it what was collected', async () => {
		const data = new Uint8Array(randomBytes(5000));
		let fed = 0;
		let made = 0;
		const reference = await wasm('sha256');
		const h = budgetHasher('sha256', new HashBudget(3000), () => {
			made++;
			return { update: (c) => void ((fed += c.length), reference.update(c)), digest: () => reference.digest() };
		});
		h.update(data.subarray(0, 2500));
		expect([h.collecting, made]).toEqual([true, 0]);
		h.update(data.subarray(2500));
		expect([h.collecting, made, fed]).toEqual([false, 1, 5000]);
		expect(await h.digest()).toBe(createHash('sha256').update(data).digest('hex'));
	});

	it('shares one budget between hashes and gives it back after the digest', async () => {
		const budget = new HashBudget(1000);
		const blob = budgetHasher(
			'sha256',
			budget,
			() => {
				throw new Error('the blob should have been held');
			},
			800
		);
		const tarFallback = await wasm('sha256');
		const tar = budgetHasher('sha256', budget, () => tarFallback);
		blob.update(new Uint8Array(800));
		tar.update(new Uint8Array(300));
		expect([blob.collecting, tar.collecting]).toEqual([true, false]);
		await blob.digest();
		expect(budget.take(1000)).toBe(true);
	});
});
