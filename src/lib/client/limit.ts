/**
 * Runs `fn` over `items` with at most `limit` calls in flight, in order of `items`: enough to keep a few
 * requests busy without asking a registry for dozens of objects at once. After `signal` aborts, no new
 * call starts (those running finish on their own signal). A throw stops new calls too; the first error
 * is rethrown once the running calls have settled.
 */
export async function eachLimited<T>(
	items: Iterable<T>,
	limit: number,
	fn: (item: T) => Promise<void>,
	signal?: AbortSignal
): Promise<void> {
	if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`eachLimited: limit must be a positive integer, not ${limit}`);
	const queue = [...items];
	let next = 0;
	const errors: unknown[] = [];
	const runner = async () => {
		while (next < queue.length && errors.length === 0 && !signal?.aborted) {
			const item = queue[next++] as T;
			try {
				await fn(item);
			} catch (error) {
				errors.push(error);
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, runner));
	if (errors.length > 0) throw errors[0];
}
