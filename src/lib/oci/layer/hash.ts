/**
 * A layer's two hashes (blob digest, diff_id) as streams: fed chunk by chunk as the bytes pass, so nothing
 * of the layer is held. hash-wasm here (the server, and the browser's fallback); the browser's worker
 * passes hashers with the same interface that run on other threads. WebCrypto is not used for layers: its
 * digest takes the whole input at once, so the layer would have to be held, and in Chromium on these
 * machines that was no faster anyway (BENCHMARKS.md, "Layers").
 */
import { createSHA256, createSHA512 } from 'hash-wasm';
import type { DigestAlgorithm } from '../digest';

/** A digest fed in pieces; `digest` is the lowercase hex of everything passed to `update`. */
export interface StreamHasher {
	/** `owned`: the caller is done with the chunk's bytes, so the hasher may keep (or transfer) its buffer. */
	update(chunk: Uint8Array, owned?: boolean): void;
	digest(): Promise<string>;
	/** Resolves once the hasher can take more (one on another thread may fall behind); the check waits for it. */
	ready?(): Promise<void> | void;
}

export async function wasmHasher(algorithm: DigestAlgorithm): Promise<StreamHasher> {
	const h = algorithm === 'sha512' ? await createSHA512() : await createSHA256();
	h.init();
	return { update: (chunk) => void h.update(chunk), digest: async () => h.digest('hex') };
}
