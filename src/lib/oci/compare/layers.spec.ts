import { describe, expect, it } from 'vitest';
import type { Digest } from '../model';
import { align } from './align';
import { compareLayers, type LayerInfo } from './layers';

const D = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const GZ = 'application/vnd.oci.image.layer.v1.tar+gzip';
const L = (digest: string, size: number | null, diffId?: string): Omit<LayerInfo, 'index'> => ({
	digest: D(digest),
	size,
	mediaType: GZ,
	...(diffId ? { diffId: D(diffId) } : {})
});
const seq = (...ls: Omit<LayerInfo, 'index'>[]): LayerInfo[] => ls.map((l, index) => ({ ...l, index }));

describe('align', () => {
	it('pairs the longest common subsequence and lists a replaced run A first', () => {
		expect(align([1, 2, 3, 4], [1, 5, 3, 4, 6], (x, y) => x === y)).toEqual([
			{ a: 1, b: 1 },
			{ a: 2 },
			{ b: 5 },
			{ a: 3, b: 3 },
			{ a: 4, b: 4 },
			{ b: 6 }
		]);
	});
	it('handles empty sides', () => {
		expect(align([], [1], (x, y) => x === y)).toEqual([{ b: 1 }]);
		expect(align([1], [], (x, y) => x === y)).toEqual([{ a: 1 }]);
	});
});

describe('compareLayers', () => {
	it('shares the base, lists the differing layer on each side, and computes the size delta', () => {
		const a = seq(L('1', 100, 'a'), L('2', 50, 'b'), L('3', 10, 'c'));
		const b = seq(L('1', 100, 'a'), L('2', 50, 'b'), L('4', 25, 'd'));
		const c = compareLayers(a, b);
		expect(c.rows.map((r) => r.side)).toEqual(['both', 'both', 'a', 'b']);
		expect(c.rows[0]!.matchedBy).toBe('digest');
		expect([c.shared, c.onlyA, c.onlyB]).toEqual([2, 1, 1]);
		expect([c.sizeA, c.sizeB, c.delta]).toEqual([160, 175, 15]);
		expect([c.onlyASize, c.onlyBSize]).toEqual([10, 25]);
		expect(c.sameLayers).toBe(false);
	});

	it('recognises a recompressed layer by its diff_id', () => {
		const a = seq(L('1', 100, 'a'), L('2', 50, 'b'));
		const b = seq(L('1', 100, 'a'), L('9', 61, 'b'));
		const c = compareLayers(a, b);
		expect(c.rows.map((r) => [r.side, r.matchedBy])).toEqual([
			['both', 'digest'],
			['both', 'diff_id']
		]);
		expect(c.rows[1]!.a!.digest).toBe(D('2'));
		expect(c.rows[1]!.b!.digest).toBe(D('9'));
		expect(c.sameLayers).toBe(true);
		expect(c.delta).toBe(11);
	});

	it('does not match by diff_id when a side does not know it', () => {
		const c = compareLayers(seq(L('2', 50)), seq(L('9', 61, 'b')));
		expect(c.rows.map((r) => r.side)).toEqual(['a', 'b']);
	});

	it('pairs a layer found at another position and marks it moved', () => {
		const a = seq(L('1', 1), L('2', 2), L('3', 3));
		const b = seq(L('3', 3), L('1', 1), L('2', 2));
		const c = compareLayers(a, b);
		expect([c.shared, c.onlyA, c.onlyB]).toEqual([3, 0, 0]);
		expect(c.rows.filter((r) => r.moved).map((r) => r.a!.digest)).toEqual([D('3')]);
		expect(c.sameLayers).toBe(false);
	});

	it('reports unknown sizes (schema1) as null instead of guessing', () => {
		const c = compareLayers(seq(L('1', null)), seq(L('1', 10)));
		expect([c.sizeA, c.sizeB, c.delta]).toEqual([null, 10, null]);
	});

	it('treats identical lists as identical', () => {
		const a = seq(L('1', 1, 'a'), L('2', 2, 'b'));
		const c = compareLayers(a, a);
		expect(c.sameLayers).toBe(true);
		expect(c.delta).toBe(0);
		expect(c.rows.every((r) => r.side === 'both' && !r.moved)).toBe(true);
	});
});
