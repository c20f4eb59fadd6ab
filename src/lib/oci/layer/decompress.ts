/**
 * Push-style decompressors with one shape for every layer compression: gzip through the platform's
 * DecompressionStream (native in browsers, workers and Node), zstd through fzstd (pure JS, ~8 kB),
 * uncompressed as is. Output reaches `sink` in order; nothing is buffered beyond the decoder's window.
 */
import { Decompress } from 'fzstd';
import { RegscopeError } from '../errors';

export type LayerCompression = 'gzip' | 'zstd' | 'none';

export interface Decompressor {
	/** Feeds compressed bytes; resolves when the decoder can take more (backpressure). */
	write(chunk: Uint8Array): Promise<void>;
	/** Ends the input; resolves once every output byte reached the sink. */
	close(): Promise<void>;
	/** Stops early (cancel, or the caller gave up on decoding). */
	abort(): void;
}

function decodeError(kind: string, e: unknown): RegscopeError {
	const why = e instanceof Error ? e.message : String(e);
	return new RegscopeError('INVALID_LAYER', `the layer is not valid ${kind} data: ${why.slice(0, 200)}`);
}

function gzip(sink: (chunk: Uint8Array) => void): Decompressor {
	const ds = new DecompressionStream('gzip');
	const writer = ds.writable.getWriter();
	const reader = ds.readable.getReader();
	const drained = (async () => {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) return;
			sink(value);
		}
	})();
	// Unhandled until close() awaits it; an early failure also surfaces through write().
	drained.catch(() => undefined);
	return {
		async write(chunk) {
			try {
				await writer.ready;
				void writer.write(chunk as Uint8Array<ArrayBuffer>).catch(() => undefined);
			} catch (e) {
				await drained.catch((err: unknown) => {
					throw decodeError('gzip', err);
				});
				throw decodeError('gzip', e);
			}
		},
		async close() {
			try {
				await writer.close();
				await drained;
			} catch (e) {
				throw decodeError('gzip', e);
			}
		},
		abort() {
			writer.abort().catch(() => undefined);
			reader.cancel().catch(() => undefined);
		}
	};
}

function zstd(sink: (chunk: Uint8Array) => void): Decompressor {
	const d = new Decompress((chunk) => sink(chunk));
	let ended = false;
	return {
		async write(chunk) {
			try {
				d.push(chunk);
			} catch (e) {
				throw decodeError('zstd', e);
			}
		},
		async close() {
			if (ended) return;
			ended = true;
			try {
				d.push(new Uint8Array(0), true);
			} catch (e) {
				throw decodeError('zstd', e);
			}
		},
		abort() {
			ended = true;
		}
	};
}

function identity(sink: (chunk: Uint8Array) => void): Decompressor {
	return {
		async write(chunk) {
			sink(chunk);
		},
		async close() {},
		abort() {}
	};
}

export function createDecompressor(kind: LayerCompression, sink: (chunk: Uint8Array) => void): Decompressor {
	if (kind === 'gzip') return gzip(sink);
	if (kind === 'zstd') return zstd(sink);
	return identity(sink);
}
