import { describe, expect, it } from 'vitest';
import { transferable } from './transferable';

describe('transferable', () => {
	it('gives a whole buffer up without a copy only when the caller may', () => {
		const chunk = Uint8Array.of(1, 2, 3);
		expect(transferable(chunk, true)).toBe(chunk.buffer);
		const copy = transferable(chunk, false);
		expect(copy).not.toBe(chunk.buffer);
		expect([...new Uint8Array(copy)]).toEqual([1, 2, 3]);
	});

	it('copies a view out of a larger buffer, just its bytes', () => {
		const view = Uint8Array.of(9, 1, 2, 3, 9).subarray(1, 4);
		const bytes = transferable(view, true);
		expect(bytes).not.toBe(view.buffer);
		expect([...new Uint8Array(bytes)]).toEqual([1, 2, 3]);
	});
});
