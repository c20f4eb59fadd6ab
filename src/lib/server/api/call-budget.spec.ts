import { describe, expect, test, vi } from 'vitest';
import { bytesInFlight, callSignal, chargeBytes, untilDeadline, withCallBudget } from './call-budget';

const limits = { callBytes: 100, totalBytes: 150 };

describe('call budget', () => {
	test('a call past its own budget fails with CALL_TOO_LARGE; its bytes are given back when it ends', async () => {
		const signal = new AbortController().signal;
		await expect(
			withCallBudget(limits, signal, async () => {
				chargeBytes(60, 'manifest a');
				expect(bytesInFlight()).toBe(60);
				chargeBytes(60, 'manifest b');
			})
		).rejects.toMatchObject({ code: 'CALL_TOO_LARGE', message: expect.stringMatching(/manifest b/) });
		expect(bytesInFlight()).toBe(0);
	});

	test('calls together past the total fail with SERVER_BUSY', async () => {
		const signal = new AbortController().signal;
		let release!: () => void;
		const held = new Promise<void>((r) => (release = r));
		const first = withCallBudget(limits, signal, async () => {
			chargeBytes(90, 'x');
			await held;
		});
		await expect(withCallBudget(limits, signal, async () => chargeBytes(70, 'y'))).rejects.toMatchObject({ code: 'SERVER_BUSY' });
		release();
		await first;
		expect(bytesInFlight()).toBe(0);
		await withCallBudget(limits, signal, async () => chargeBytes(70, 'y'));
	});

	test('the call signal follows the work; outside a call nothing is charged', async () => {
		const c = new AbortController();
		await withCallBudget(limits, c.signal, async () => {
			await Promise.resolve();
			expect(callSignal()).toBe(c.signal);
		});
		expect(callSignal()).toBeUndefined();
		chargeBytes(10_000, 'outside');
		expect(bytesInFlight()).toBe(0);
	});

	test('work left running after its call answered charges nothing more and is stopped', async () => {
		const signal = new AbortController().signal;
		let go!: () => void;
		const answered = new Promise<void>((r) => (go = r));
		let orphan!: Promise<void>;
		await withCallBudget(limits, signal, async () => {
			chargeBytes(10, 'first');
			orphan = (async () => {
				await answered;
				chargeBytes(10, 'a tag page nobody waits for');
			})();
		});
		go();
		await expect(orphan).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
		expect(bytesInFlight()).toBe(0);
	});

	test('untilDeadline answers DEADLINE_EXCEEDED when the signal aborts first, whatever the work does', async () => {
		const c = new AbortController();
		const never = new Promise<string>(() => undefined);
		const answer = untilDeadline(never, c.signal, 60_000);
		c.abort();
		await expect(answer).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED', message: expect.stringMatching(/60 s limit/) });
		await expect(untilDeadline(Promise.resolve('done'), new AbortController().signal, 1)).resolves.toBe('done');
	});

	test('with --expose-gc, 2,000 calls then two quiet seconds bring one collection; a call before then puts it off', async () => {
		const gc = vi.fn();
		vi.stubGlobal('gc', gc);
		vi.useFakeTimers();
		try {
			const signal = new AbortController().signal;
			const calls = async (n: number) => {
				for (let i = 0; i < n; i++) await withCallBudget(limits, signal, async () => undefined);
			};
			await calls(2000);
			vi.advanceTimersByTime(2000);
			expect(gc).toHaveBeenCalledTimes(1);
			await calls(1999);
			vi.advanceTimersByTime(10_000);
			expect(gc).toHaveBeenCalledTimes(1);
			await calls(1);
			vi.advanceTimersByTime(1500);
			await calls(1);
			vi.advanceTimersByTime(1999);
			expect(gc).toHaveBeenCalledTimes(1);
			vi.advanceTimersByTime(1);
			expect(gc).toHaveBeenCalledTimes(2);
		} finally {
			vi.useRealTimers();
			vi.unstubAllGlobals();
		}
	});
});
