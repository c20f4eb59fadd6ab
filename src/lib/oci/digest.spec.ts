import { describe, it, expect } from 'vitest';
import { algorithmOf, computeDigest, parseDigest, shortDigest } from './digest';
import { RegscopeError } from './errors';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('parseDigest', () => {
	const SHA = 'e'.repeat(64);

	it.each([`sha256:${SHA}`, `sha512:${'0'.repeat(128)}`])('accepts %s', (d) => {
		expect(parseDigest(d)).toBe(d);
	});

	it.each([
		['', 'INVALID_REQUEST'],
		['sha256', 'INVALID_REQUEST'],
		[`sha256:${SHA.toUpperCase()}`, 'INVALID_REQUEST'],
		[`sha256:${SHA}0`, 'INVALID_REQUEST'],
		[`sha512:${SHA}`, 'INVALID_REQUEST'],
		[`SHA256:${SHA}`, 'INVALID_REQUEST'],
		[`blake3:${SHA}`, 'UNSUPPORTED_DIGEST'],
		[`sha384:${'a'.repeat(96)}`, 'UNSUPPORTED_DIGEST'],
		[`multi+part.alg:${SHA}`, 'UNSUPPORTED_DIGEST']
	])('rejects %j with %s', (d, code) => {
		expect(() => parseDigest(d)).toThrow(expect.objectContaining({ code }));
	});

	it('uses the caller’s code and names the field', () => {
		const e = (() => {
			try {
				return parseDigest('sha256:xyz', 'manifest field layers[0].digest', 'INVALID_MANIFEST');
			} catch (e) {
				return e;
			}
		})();
		expect(e).toBeInstanceOf(RegscopeError);
		expect((e as RegscopeError).code).toBe('INVALID_MANIFEST');
		expect((e as RegscopeError).message).toContain('manifest field layers[0].digest');
	});
});

describe('computeDigest', () => {
	it('computes sha256 of the exact bytes (known vectors)', async () => {
		expect(await computeDigest(bytes(''))).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
		// The OCI empty descriptor's blob `{}`.
		expect(await computeDigest(bytes('{}'))).toBe('sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
	});

	it('computes sha512', async () => {
		const d = await computeDigest(bytes('abc'), 'sha512');
		expect(d).toBe(
			'sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f'
		);
		expect(algorithmOf(d)).toBe('sha512');
	});

	it('changes when one byte changes', async () => {
		const a = bytes('{"schemaVersion":2}');
		const b = a.slice();
		b[5] = (b[5] ?? 0) ^ 1;
		expect(await computeDigest(a)).not.toBe(await computeDigest(b));
	});
});

describe('shortDigest', () => {
	it('keeps the algorithm and 12 characters', () => {
		expect(shortDigest(`sha256:${'0123456789abcdef'.repeat(4)}`)).toBe('sha256:0123456789ab');
	});
});
