/**
 * A deadline that is let go of when the work it guards is over. `AbortSignal.timeout(ms)` cannot be
 * cancelled: its timer, and through `AbortSignal.any` the signals and closures tied to it, stay alive for
 * the whole timeout after the request finished. At thousands of requests a second with a 60 s deadline that
 * is hundreds of thousands of dead requests held in memory. This one is cleared when the request ends.
 */

export interface Deadline {
	/** Aborts when the time is up (reason: a `TimeoutError`, as `AbortSignal.timeout` gives) or a parent aborts (its reason). */
	readonly signal: AbortSignal;
	/** The work is over: stops the timer and lets go of the parents. Idempotent. */
	clear(): void;
}

/** Starts a deadline of `ms` that also follows `parents` (e.g. the client going away). */
export function startDeadline(ms: number, ...parents: (AbortSignal | undefined)[]): Deadline {
	const controller = new AbortController();
	const followed = parents.filter((p): p is AbortSignal => p !== undefined);
	const abort = (reason: unknown) => {
		clear();
		controller.abort(reason);
	};
	const onParentAbort = (event: Event) => abort((event.target as AbortSignal).reason);
	const timer = setTimeout(() => abort(new DOMException(`The operation was aborted due to timeout`, 'TimeoutError')), ms);
	// Like AbortSignal.timeout: a pending deadline does not keep the process alive by itself.
	timer.unref();
	function clear(): void {
		clearTimeout(timer);
		for (const p of followed) p.removeEventListener('abort', onParentAbort);
	}
	const aborted = followed.find((p) => p.aborted);
	if (aborted) abort(aborted.reason);
	else for (const p of followed) p.addEventListener('abort', onParentAbort, { once: true });
	return { signal: controller.signal, clear };
}

/** `work` under `signal`, or, without one (scripts, tests), under a deadline of `ms` cleared when it settles. */
export async function underDeadline<T>(signal: AbortSignal | undefined, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
	if (signal) return work(signal);
	const deadline = startDeadline(ms);
	try {
		return await work(deadline.signal);
	} finally {
		deadline.clear();
	}
}
