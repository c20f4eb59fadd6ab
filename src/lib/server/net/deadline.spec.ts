import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { startDeadline, underDeadline } from './deadline';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('startDeadline', () => {
	test('aborts when the time is up, with a TimeoutError as AbortSignal.timeout does', () => {
		const d = startDeadline(1000);
		vi.advanceTimersByTime(999);
		expect(d.signal.aborted).toBe(false);
		vi.advanceTimersByTime(1);
		expect(d.signal.aborted).toBe(true);
		expect(d.signal.reason).toBeInstanceOf(DOMException);
		expect((d.signal.reason as DOMException).name).toBe('TimeoutError');
	});

	test('clear() releases the timer: nothing pending, no abort later', () => {
		const before = vi.getTimerCount();
		const d = startDeadline(1000);
		expect(vi.getTimerCount()).toBe(before + 1);
		d.clear();
		expect(vi.getTimerCount()).toBe(before);
		vi.advanceTimersByTime(5000);
		expect(d.signal.aborted).toBe(false);
	});

	test('follows its parents with their reason, and lets go of them when cleared', () => {
		const client = new AbortController();
		const other = new AbortController();
		const d = startDeadline(1000, client.signal, undefined, other.signal);
		expect(getEventListeners(client.signal, 'abort')).toHaveLength(1);
		client.abort(new Error('client gone'));
		expect(d.signal.aborted).toBe(true);
		expect((d.signal.reason as Error).message).toBe('client gone');
		// Aborting stopped the timer and left the other parent alone.
		expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);
		expect(vi.getTimerCount()).toBe(0);

		const later = new AbortController();
		const cleared = startDeadline(1000, later.signal);
		cleared.clear();
		expect(getEventListeners(later.signal, 'abort')).toHaveLength(0);
		later.abort();
		expect(cleared.signal.aborted).toBe(false);
	});

	test('a parent already aborted aborts it at once, holding nothing', () => {
		const gone = AbortSignal.abort(new Error('already gone'));
		const d = startDeadline(1000, gone);
		expect(d.signal.aborted).toBe(true);
		expect((d.signal.reason as Error).message).toBe('already gone');
		expect(vi.getTimerCount()).toBe(0);
	});
});

describe('underDeadline', () => {
	test("runs under the caller's signal when there is one, starting no timer", async () => {
		const given = new AbortController().signal;
		let seen: AbortSignal | undefined;
		await underDeadline(given, 1000, async (s) => void (seen = s));
		expect(seen).toBe(given);
		expect(vi.getTimerCount()).toBe(0);
	});

	test('without one, its own deadline, cleared when the work settles (also by failing)', async () => {
		let seen: AbortSignal | undefined;
		await expect(
			underDeadline(undefined, 1000, async (s) => {
				seen = s;
				expect(vi.getTimerCount()).toBe(1);
				throw new Error('failed');
			})
		).rejects.toThrow('failed');
		expect(vi.getTimerCount()).toBe(0);
		vi.advanceTimersByTime(5000);
		expect(seen?.aborted).toBe(false);
	});
});
