/**
 * Hashes a layer's uncompressed bytes (the diff_id) on its own thread, so the layer worker only
 * decompresses and reads the tar. Messages: `{ algorithm }`, then batches of chunks (ArrayBuffers,
 * transferred), each acknowledged with the bytes it held, then `'digest'` → the hex digest.
 */
import { createSHA256, createSHA512, type IHasher } from 'hash-wasm';

let hasher: Promise<IHasher> | null = null;

self.onmessage = async (ev: MessageEvent<{ algorithm: 'sha256' | 'sha512' } | ArrayBuffer[] | 'digest'>) => {
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
		(self as unknown as Worker).postMessage((await hasher!).digest('hex'));
	} else {
		hasher = (m.algorithm === 'sha512' ? createSHA512() : createSHA256()).then((h) => {
			h.init();
			return h;
		});
	}
};
