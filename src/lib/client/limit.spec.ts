import { describe, expect, it } from 'vitest';
import { eachLimited } from './limit';

/** A call that finishes when the test says so, so the in-flight count is read at known moments. */
function gate() {
	let open!: () => void;
	let fail!: (e: unknown) => void;
	const done = new Promise<void>((resolve, reject) => {
		open = resolve;
		fail = reject;
	});
	return { done, open, fail };
}

/** Lets every pending promise callback run. */
const settle = () => new Promise<void>((r) => setTimeout(r, 0));

describe('eachLimited', () => {
	it('keeps at most `limit` calls in flight and starts them in order', async () => {
		const gates = Array.from({ length: 7 }, gate);
		const started: number[] = [];
		let inFlight = 0;
		let most = 0;
		const run = eachLimited([0, 1, 2, 3, 4, 5, 6], 3, async (i) => {
			started.push(i);
			most = Math.max(most, ++inFlight);
			await gates[i]!.done;
			inFlight--;
		});
		await settle();
		expect(started).toEqual([0, 1, 2]);
		gates[1]!.open();
		await settle();
		expect(started).toEqual([0, 1, 2, 3]);
		for (const g of gates) g.open();
		await run;
		expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
		expect(most).toBe(3);
	});

	it('handles fewer items than the limit, and none', async () => {
		const seen: string[] = [];
		await eachLimited(['a', 'b'], 4, async (s) => {
			seen.push(s);
		});
		expect(seen).toEqual(['a', 'b']);
		await expect(eachLimited([], 4, async () => undefined)).resolves.toBeUndefined();
	});

	it('starts nothing new after the signal aborts', async () => {
		const stop = new AbortController();
		const gates = Array.from({ length: 5 }, gate);
		const started: number[] = [];
		const run = eachLimited(
			[0, 1, 2, 3, 4],
			2,
			async (i) => {
				started.push(i);
				await gates[i]!.done;
			},
			stop.signal
		);
		await settle();
		stop.abort();
		for (const g of gates) g.open();
		await run;
		expect(started).toEqual([0, 1]);
	});

	it('rethrows the first error once the running calls settled, and starts no more', async () => {
		const gates = Array.from({ length: 4 }, gate);
		const started: number[] = [];
		let finished = 0;
		const run = eachLimited([0, 1, 2, 3], 2, async (i) => {
			started.push(i);
			await gates[i]!.done;
			finished++;
		});
		await settle();
		gates[0]!.fail(new Error('first'));
		await settle();
		let outcome: unknown = 'pending';
		run.then(
			() => (outcome = 'resolved'),
			(e: Error) => (outcome = e.message)
		);
		await settle();
		expect(outcome).toBe('pending');
		gates[1]!.open();
		await settle();
		expect(outcome).toBe('first');
		expect(started).toEqual([0, 1]);
		expect(finished).toBe(1);
	});

	it('refuses a limit that is not a positive integer', async () => {
		for (const limit of [0, -1, 1.5, Number.NaN]) {
			await expect(eachLimited([1], limit, async () => undefined)).rejects.toThrow(RangeError);
		}
	});
});
