/**
 * Hashes a layer's uncompressed bytes (the diff_id) on its own thread, so the layer worker only
 * decompresses and reads the tar. Messages: `{ algorithm }`, then batches of chunks (ArrayBuffers,
 * transferred), each acknowledged with the bytes it held, then `'digest'` → the hex digest.
 */
import type { DigestAlgorithm } from '$lib/oci/digest';
import { wasmHasher, type StreamHasher } from '$lib/oci/layer/hash';

let hasher: Promise<StreamHasher> | null = null;

self.onmessage = async (ev: MessageEvent<{ algorithm: DigestAlgorithm } | ArrayBuffer[] | 'digest'>) => {
	const m = ev.data;
	if (Array.isArray(m)) {
		const h = await hasher!;
		let bytes = 0;
		for (const b of m) {
			h.update(new Uint8Array(b));
			bytes += b.byteLength;
		}
		(self as unknown as Worker).postMessage(bytes);
	} else if (m === 'digest') {
		(self as unknown as Worker).postMessage(await (await hasher!).digest());
	} else {
		hasher = wasmHasher(m.algorithm);
	}
};
