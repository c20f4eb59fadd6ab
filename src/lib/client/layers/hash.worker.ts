/**
 * Hashes a layer's uncompressed bytes (the diff_id) on its own thread, so the layer worker only
 * decompresses and reads the tar. Messages: `{ algorithm }`, then chunks (ArrayBuffers, transferred), then
 * `'digest'` → the hex digest.
 */
import { createSHA256, createSHA512, type IHasher } from 'hash-wasm';

let hasher: Promise<IHasher> | null = null;

self.onmessage = async (ev: MessageEvent<{ algorithm: 'sha256' | 'sha512' } | ArrayBuffer | 'digest'>) => {
	const m = ev.data;
	if (m instanceof ArrayBuffer) {
		(await hasher!).update(new Uint8Array(m));
	} else if (m === 'digest') {
		(self as unknown as Worker).postMessage((await hasher!).digest('hex'));
	} else {
		hasher = (m.algorithm === 'sha512' ? createSHA512() : createSHA256()).then((h) => {
			h.init();
			return h;
		});
	}
};
