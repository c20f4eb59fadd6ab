/**
 * Push-style decompressors with one shape for every layer compression: gzip through the platform's
 * DecompressionStream (native in browsers, workers and Node; one per gzip member), zstd through fzstd (pure JS, ~8 kB),
 * uncompressed as is. Output reaches `sink` in order; nothing is buffered beyond the decoder's window.
 */
import { Decompress } from 'fzstd';
import { RegscopeError } from '../errors';

export type LayerCompression = 'gzip' | 'zstd' | 'none';

/**
 * Takes each output chunk. `handedOver`: nothing here reads the chunk's buffer again, so the sink may keep or
 * transfer it (DecompressionStream gives each chunk its own buffer; fzstd's output shares the window it reads
 * back, and the identity passes on the caller's own chunk).
 */
export type Sink = (chunk: Uint8Array, handedOver: boolean) => void;

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

interface Member {
	writer: WritableStreamDefaultWriter<Uint8Array<ArrayBuffer>>;
	reader: ReadableStreamDefaultReader<Uint8Array>;
	drained: Promise<void>;
	/** Bytes this member has put out so far (its trailer's ISIZE, mod 2^32, once it ended). */
	out: number;
	/** Bytes it was given so far. */
	in: number;
	/** The last four bytes it was given: the ISIZE field when the member just ended. */
	tail: Uint8Array;
}

function openMember(sink: Sink): Member {
	const ds = new DecompressionStream('gzip');
	const m: Member = {
		writer: ds.writable.getWriter(),
		reader: ds.readable.getReader(),
		drained: Promise.resolve(),
		out: 0,
		in: 0,
		tail: new Uint8Array(4)
	};
	m.drained = (async () => {
		for (;;) {
			const { done, value } = await m.reader.read();
			if (done) return;
			m.out += value.byteLength;
			sink(value, true);
		}
	})();
	// Unhandled until close() awaits it; an early failure also surfaces through write().
	m.drained.catch(() => undefined);
	return m;
}

/** Where `chunk` may start a new gzip member (1f 8b 08, as far as the chunk goes). */
function memberStarts(chunk: Uint8Array): number[] {
	const at: number[] = [];
	for (let p = chunk.indexOf(0x1f); p >= 0; p = chunk.indexOf(0x1f, p + 1)) {
		if ((p + 1 >= chunk.length || chunk[p + 1] === 0x8b) && (p + 2 >= chunk.length || chunk[p + 2] === 0x08)) at.push(p);
	}
	return at;
}

function remember(m: Member, piece: Uint8Array): void {
	m.in += piece.byteLength;
	if (piece.byteLength >= 4) m.tail = piece.slice(-4);
	else m.tail = Uint8Array.of(...m.tail.subarray(piece.byteLength), ...piece);
}

/**
 * gzip through DecompressionStream, member after member. Several members back to back (eStargz, `cat a.gz
 * b.gz`) are one valid gzip file, but browsers' DecompressionStream rejects what follows the first member.
 * So input is split where a member may start (its magic bytes); a piece there is written on its own and
 * awaited. If the decoder rejects it and the bytes before it are the ended member's ISIZE (its output
 * length), it was a member boundary: a fresh DecompressionStream takes over from there. The stream rule
 * that a transform runs only once its earlier output was read guarantees the ended member's output is
 * complete at that point. Node's DecompressionStream (before 24.19) reads through members itself.
 */
function gzip(sink: Sink): Decompressor {
	let m = openMember(sink);
	const failed = async (e: unknown): Promise<never> => {
		await m.drained.catch((err: unknown) => {
			throw decodeError('gzip', err);
		});
		throw decodeError('gzip', e);
	};
	const endedBefore = (): boolean => {
		const isize = (m.tail[0]! | (m.tail[1]! << 8) | (m.tail[2]! << 16) | (m.tail[3]! << 24)) >>> 0;
		return m.in >= 18 && isize === m.out % 2 ** 32;
	};
	const feed = async (piece: Uint8Array) => {
		await m.writer.ready;
		void m.writer.write(piece as Uint8Array<ArrayBuffer>).catch(() => undefined);
		remember(m, piece);
	};
	const feedAtStart = async (piece: Uint8Array) => {
		await m.writer.ready;
		const refused = await m.writer.write(piece as Uint8Array<ArrayBuffer>).then(
			() => null,
			(e: unknown) => e ?? new Error('refused')
		);
		if (refused === null) return remember(m, piece);
		if (!endedBefore()) return failed(refused);
		m.reader.cancel().catch(() => undefined);
		m = openMember(sink);
		await feed(piece);
	};
	return {
		async write(chunk) {
			try {
				const starts = memberStarts(chunk);
				const cuts = [0, ...starts.filter((p) => p > 0), chunk.length];
				for (let i = 0; i + 1 < cuts.length; i++) {
					const piece = chunk.subarray(cuts[i], cuts[i + 1]);
					// Every cut but the first is a possible member start; a member's own first bytes cannot end it.
					const mayStart = (i > 0 || starts[0] === 0) && m.in > 0;
					await (mayStart ? feedAtStart(piece) : feed(piece));
				}
			} catch (e) {
				if (e instanceof RegscopeError) throw e;
				await failed(e);
			}
		},
		async close() {
			try {
				await m.writer.close();
				await m.drained;
			} catch (e) {
				throw decodeError('gzip', e);
			}
		},
		abort() {
			m.writer.abort().catch(() => undefined);
			m.reader.cancel().catch(() => undefined);
		}
	};
}

function zstd(sink: Sink): Decompressor {
	const d = new Decompress((chunk) => sink(chunk, false));
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

function identity(sink: Sink): Decompressor {
	return {
		async write(chunk) {
			sink(chunk, false);
		},
		async close() {},
		abort() {}
	};
}

export function createDecompressor(kind: LayerCompression, sink: Sink): Decompressor {
	if (kind === 'gzip') return gzip(sink);
	if (kind === 'zstd') return zstd(sink);
	return identity(sink);
}
