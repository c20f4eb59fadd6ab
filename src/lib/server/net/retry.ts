/** Retry-After (seconds or HTTP-date) and the wait before the one retry. */

/** Parses Retry-After into milliseconds from now; null when absent or invalid. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
	if (!value) return null;
	const v = value.trim();
	if (/^\d{1,9}$/.test(v)) return Number(v) * 1000;
	const t = Date.parse(v);
	return Number.isFinite(t) ? Math.max(0, t - now) : null;
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(signal.reason as Error);
		const t = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(t);
			reject(signal!.reason as Error);
		};
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}
