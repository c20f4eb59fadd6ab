/**
 * What one API call may spend. Its deadline: one AbortSignal (the overall timeout, or the client going
 * away) that every registry request of the call is tied to, so the work stops when the answer is no
 * longer wanted. Its bytes: registry bytes read (manifests, config, tag pages,
 * token and error bodies) are charged to the call's budget as they arrive, and to a server-wide total of
 * bytes held by calls in flight. Past the call's budget the call fails with CALL_TOO_LARGE; past the
 * server-wide total with SERVER_BUSY. Everything a call charged is given back when it ends, so memory held
 * by in-flight work is bounded by the total, whatever the number or spelling of the clients.
 *
 * The budget lives in an AsyncLocalStorage scope (like the upstream count), so it follows the call through
 * shared code without being passed around. Outside a scope nothing is charged (unit tests, scripts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { RegscopeError } from '$lib/oci/errors';

export interface BudgetLimits {
	/** Registry bytes one call may read. */
	callBytes: number;
	/** Registry bytes all calls in flight may hold together. */
	totalBytes: number;
}

interface Scope {
	held: number;
	/** The call has answered: work still running for it (a side task the answer did not wait for) is orphaned. */
	closed: boolean;
	limits: BudgetLimits;
	signal: AbortSignal;
}

const storage = new AsyncLocalStorage<Scope>();
let totalHeld = 0;
/** Bytes charged, and calls ended, since the last collection after a burst. */
let sinceCollect = 0;
let callsSinceCollect = 0;
let collectTimer: ReturnType<typeof setTimeout> | undefined;
const COLLECT_AFTER = 32 * 1024 * 1024;
/** Calls answered from memory charge nothing, but thousands of them still leave a grown heap behind. */
const COLLECT_AFTER_CALLS = 2000;
const QUIET_MS = 2000;

/** Bytes currently charged by all calls in flight (tests, diagnostics). */
export function bytesInFlight(): number {
	return totalHeld;
}

const MiB = 1024 * 1024;

/** Charges `n` bytes just read to the current call; throws when that passes either budget. */
export function chargeBytes(n: number, what: string): void {
	const scope = storage.getStore();
	if (!scope || n <= 0) return;
	if (scope.closed) {
		// Nobody will read it, and it must not be charged to a total that was already settled.
		throw new RegscopeError('DEADLINE_EXCEEDED', `the request is over; reading ${what} for it was stopped`);
	}
	scope.held += n;
	totalHeld += n;
	sinceCollect += n;
	if (scope.held > scope.limits.callBytes) {
		throw new RegscopeError(
			'CALL_TOO_LARGE',
			`reading ${what} took this request past the ${Math.round(scope.limits.callBytes / MiB)} MiB of registry data this server reads for one request`,
			{ limit: scope.limits.callBytes }
		);
	}
	if (totalHeld > scope.limits.totalBytes) {
		throw new RegscopeError(
			'SERVER_BUSY',
			`this regscope server is busy: requests in flight already hold ${Math.round(scope.limits.totalBytes / MiB)} MiB of registry data; try again in a few seconds`,
			{ retryAfterSeconds: 2 }
		);
	}
}

/** The current call's deadline / cancellation signal (undefined outside a call). */
export function callSignal(): AbortSignal | undefined {
	return storage.getStore()?.signal;
}

/**
 * Runs one API call with its own budget and `signal`; what it charged is released when it settles.
 * The caller answers at the deadline (see `untilDeadline`); work still running then finds the signal
 * aborted at its next registry request.
 */
export async function withCallBudget<T>(limits: BudgetLimits, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
	const scope: Scope = { held: 0, closed: false, limits, signal };
	try {
		return await storage.run(scope, fn);
	} finally {
		totalHeld -= scope.held;
		scope.held = 0;
		scope.closed = true;
		callsSinceCollect++;
		if (totalHeld === 0) afterBurst();
	}
}

/**
 * V8 collects only when something allocates, so after a burst an idle server would keep the garbage (and
 * the heap it grew into: hundreds of MiB after multi-MiB answers, a hundred after thousands of small ones)
 * indefinitely. Once all work is over and a burst's worth of bytes or of calls went through, one
 * collection two seconds later gives it back; a call ending before then puts it off again. Only when the
 * runtime exposes `gc` (`npm start` runs the server with --expose-gc).
 */
function afterBurst(): void {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (typeof gc !== 'function' || (sinceCollect < COLLECT_AFTER && callsSinceCollect < COLLECT_AFTER_CALLS)) return;
	if (collectTimer) {
		// Under steady load this runs after every call: moving the timer is cheaper than a new one.
		collectTimer.refresh();
		return;
	}
	collectTimer = setTimeout(() => {
		collectTimer = undefined;
		if (totalHeld !== 0) return;
		sinceCollect = 0;
		callsSinceCollect = 0;
		gc();
	}, QUIET_MS);
	collectTimer.unref?.();
}

/**
 * `work`, unless `signal` aborts first: then DEADLINE_EXCEEDED (`overallMs` said in the message) at once,
 * so an answer never comes after the deadline, whatever the work is still doing.
 */
export function untilDeadline<T>(work: Promise<T>, signal: AbortSignal, overallMs: number): Promise<T> {
	work.catch(() => undefined); // settled later, unobserved, when the deadline wins
	return new Promise<T>((resolve, reject) => {
		const onAbort = () =>
			reject(
				new RegscopeError(
					'DEADLINE_EXCEEDED',
					`this request took longer than this server's ${Math.round(overallMs / 1000)} s limit for one request, so it was stopped`,
					{ limit: overallMs }
				)
			);
		if (signal.aborted) return onAbort();
		signal.addEventListener('abort', onAbort, { once: true });
		work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
	});
}
