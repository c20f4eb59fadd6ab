/**
 * The layer worker's side of ./hash.worker.ts: a `StreamHasher` whose hashing runs on that thread.
 */
import type { DigestAlgorithm } from '$lib/oci/digest';
import type { StreamHasher } from '$lib/oci/layer';
import { transferable } from './transferable';

/** Chunks go to the hash worker in batches of about this many bytes (fewer messages). */
const HASH_BATCH = 1024 * 1024;
/** Bytes sent to the hash worker and not yet hashed, at most: past it the check waits (memory stays bounded). */
const HASH_BEHIND = 16 * 1024 * 1024;

/**
 * A hash on another thread: chunks go over in batches, transferred when the caller is done with them, else
 * copied; the worker acknowledges what it hashed, and `ready` holds the check while it is far behind.
 */
export function threadHasher(algorithm: DigestAlgorithm): StreamHasher {
	const w = new Worker(new URL('./hash.worker.ts', import.meta.url), { type: 'module' });
	w.postMessage({ algorithm });
	let batch: ArrayBuffer[] = [];
	let batchBytes = 0;
	let behind = 0;
	let caughtUp: (() => void) | null = null;
	let done: { resolve: (hex: string) => void; reject: (e: Error) => void } | null = null;
	let failed: Error | null = null;
	const flush = () => {
		if (batch.length === 0) return;
		w.postMessage(batch, batch);
		behind += batchBytes;
		batch = [];
		batchBytes = 0;
	};
	w.onmessage = (ev: MessageEvent<number | string>) => {
		if (typeof ev.data === 'string') {
			done?.resolve(ev.data);
			w.terminate();
			return;
		}
		behind -= ev.data;
		if (behind < HASH_BEHIND) caughtUp?.();
	};
	// A dead hash worker must not leave the check waiting: it goes on, and its digest fails.
	w.onerror = (ev) => {
		failed = new Error(`the hash worker failed: ${ev.message || 'unknown error'}`);
		caughtUp?.();
		done?.reject(failed);
	};
	return {
		update(chunk, owned) {
			const bytes = transferable(chunk, owned ?? false);
			batch.push(bytes);
			batchBytes += bytes.byteLength;
			if (batchBytes >= HASH_BATCH) flush();
		},
		ready: () =>
			behind < HASH_BEHIND || failed
				? undefined
				: new Promise<void>((resolve) => {
						caughtUp = () => {
							caughtUp = null;
							resolve();
						};
					}),
		digest: () =>
			new Promise<string>((resolve, reject) => {
				if (failed) return reject(failed);
				done = { resolve, reject };
				flush();
				w.postMessage('digest');
			})
	};
}
