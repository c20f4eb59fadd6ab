/**
 * The one layer pipeline (browser worker, server API, tests): compressed bytes are counted and hashed as
 * they arrive (the layer digest), decompressed, the output hashed (the diff_id) and read as tar, all in one
 * pass, nothing of the layer held (see ./hash). The verdict is `verified` only when the byte count equals
 * the descriptor's size and both digests match.
 */
import { RegscopeError } from '../errors';
import { algorithmOf, type DigestAlgorithm } from '../digest';
import { layerCompression } from '../media-types';
import type { Digest } from '../model';
import { TarReader, type TarHandlers } from '../tar/reader';
import type { TarSummary } from '../tar/types';
import { createDecompressor, type LayerCompression } from './decompress';
import { wasmHasher, type StreamHasher } from './hash';

export interface LayerCheckInput extends TarHandlers {
	body: ReadableStream<Uint8Array>;
	digest: Digest;
	size: number;
	mediaType: string;
	/** `rootfs.diff_ids[i]` from the verified config; null when unknown (schema1: no verdict possible). */
	diffId: Digest | null;
	/** Called as compressed bytes arrive and uncompressed bytes come out. */
	onProgress?(compressed: number, uncompressed: number): void;
	signal?: AbortSignal;
	/**
	 * The compressed bytes' hash, computed elsewhere (the browser's fetch worker), in `digest`'s algorithm;
	 * it is given every chunk. Without one, hash-wasm on this thread.
	 */
	blobHasher?: () => StreamHasher;
	/**
	 * The tar's hash, computed elsewhere (the browser's third thread), in the config's diff_id algorithm.
	 * Each chunk reaches it after the tar reader is done with it.
	 */
	diffHasher?: (algorithm: DigestAlgorithm) => StreamHasher;
}

export interface DigestCheck {
	expected: Digest | null;
	actual: string;
	ok: boolean;
}

export interface LayerCheck {
	verdict: 'verified' | 'mismatch';
	/** Why the verdict is mismatch, for people. */
	problems: string[];
	digest: DigestCheck;
	diffId: DigestCheck;
	compression: LayerCompression;
	compressedSize: number;
	uncompressedSize: number;
	/** null when the tar could not be read to its end (`tarError` says why). */
	tar: TarSummary | null;
	tarError?: string;
}

/** gzip, zstd or none from the media type; UNSUPPORTED_MEDIA_TYPE for anything else (shown, not parsed). */
export function compressionFor(mediaType: string): LayerCompression {
	const c = mediaType.endsWith('+encrypted') ? 'unknown' : layerCompression(mediaType);
	if (c === 'unknown') {
		throw new RegscopeError(
			'UNSUPPORTED_MEDIA_TYPE',
			`layers of media type "${mediaType.slice(0, 120)}" cannot be read here (only tar, tar+gzip and tar+zstd)`
		);
	}
	return c;
}

function aborted(signal?: AbortSignal): RegscopeError {
	const why = signal?.reason instanceof RegscopeError ? signal.reason : null;
	return why ?? new RegscopeError('INVALID_REQUEST', 'the layer check was cancelled');
}

export async function checkLayer(input: LayerCheckInput): Promise<LayerCheck> {
	const compression = compressionFor(input.mediaType);
	const algorithm = algorithmOf(input.digest);
	// The diff_id uses the config's algorithm; sha256 when the config gives none.
	const diffAlgorithm = input.diffId ? algorithmOf(input.diffId) : algorithm;
	// hash-wasm instances are made up front (the sink that feeds them is synchronous).
	const blobHash = input.blobHasher?.() ?? (await wasmHasher(algorithm));
	const diffHash = compression === 'none' ? null : (input.diffHasher?.(diffAlgorithm) ?? (await wasmHasher(diffAlgorithm)));
	let compressed = 0;
	let uncompressed = 0;
	let tarError: string | undefined;
	const tar = new TarReader({ onEntry: input.onEntry, onData: input.onData });
	// The tar reader copies what it keeps, so a chunk the decoder handed over goes on to the tar's hash as is.
	const sink = (chunk: Uint8Array, handedOver: boolean) => {
		uncompressed += chunk.byteLength;
		if (tarError === undefined) {
			try {
				tar.push(chunk);
			} catch (e) {
				tarError = e instanceof Error ? e.message : String(e);
			}
		}
		diffHash?.update(chunk, handedOver);
	};
	const decoder = createDecompressor(compression, sink);
	let decodeError: string | undefined;
	let blobDigest: Promise<string> | undefined;
	const reader = input.body.getReader();
	const onAbort = () => reader.cancel(aborted(input.signal)).catch(() => undefined);
	input.signal?.addEventListener('abort', onAbort, { once: true });
	try {
		for (;;) {
			if (input.signal?.aborted) throw aborted(input.signal);
			const { done, value } = await reader.read();
			if (done) break;
			compressed += value.byteLength;
			if (compressed > input.size) {
				decodeError ??= `the registry sent more than the ${input.size} bytes the descriptor lists`;
				reader.cancel().catch(() => undefined);
				break;
			}
			blobHash.update(value);
			if (decodeError === undefined) {
				try {
					await decoder.write(value);
					await diffHash?.ready?.();
				} catch (e) {
					// Keep hashing: a corrupt stream usually means a digest mismatch, the more useful verdict.
					decodeError = e instanceof Error ? e.message : String(e);
					decoder.abort();
				}
			}
			input.onProgress?.(compressed, uncompressed);
		}
		if (input.signal?.aborted) throw aborted(input.signal);
		// Asked now, the blob's digest (on another thread in the browser) overlaps the decoder's tail.
		blobDigest = blobHash.digest();
		blobDigest.catch(() => undefined);
		if (decodeError === undefined) {
			try {
				await decoder.close();
			} catch (e) {
				decodeError = e instanceof Error ? e.message : String(e);
			}
		}
	} catch (e) {
		decoder.abort();
		throw e;
	} finally {
		input.signal?.removeEventListener('abort', onAbort);
	}
	input.onProgress?.(compressed, uncompressed);
	let summary: TarSummary | null = null;
	if (decodeError === undefined && tarError === undefined) {
		try {
			summary = tar.finish();
		} catch (e) {
			tarError = e instanceof Error ? e.message : String(e);
		}
	}
	const actualDigest = `${algorithm}:${await blobDigest!}`;
	const actualDiff = diffHash ? `${diffAlgorithm}:${await diffHash.digest()}` : actualDigest;
	const digest: DigestCheck = { expected: input.digest, actual: actualDigest, ok: actualDigest === input.digest };
	const diffId: DigestCheck = {
		expected: input.diffId,
		actual: decodeError === undefined ? actualDiff : '',
		ok: input.diffId !== null && decodeError === undefined && actualDiff === input.diffId
	};
	const problems: string[] = [];
	if (compressed !== input.size) problems.push(`received ${compressed} bytes; the manifest lists ${input.size}`);
	if (!digest.ok) problems.push(`the layer bytes hash to ${actualDigest}, not ${input.digest}`);
	if (decodeError !== undefined) problems.push(decodeError);
	else if (input.diffId === null) problems.push('the config lists no diff_id for this layer, so its contents cannot be verified');
	else if (!diffId.ok) problems.push(`the uncompressed layer hashes to ${actualDiff}, but the config's diff_id is ${input.diffId}`);
	return {
		verdict: problems.length === 0 ? 'verified' : 'mismatch',
		problems,
		digest,
		diffId,
		compression,
		compressedSize: compressed,
		uncompressedSize: uncompressed,
		tar: summary,
		...(tarError !== undefined ? { tarError } : {})
	};
}
