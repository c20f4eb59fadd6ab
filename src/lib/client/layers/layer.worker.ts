/**
 * The layer check off the main thread: fetches the layer from our proxy and runs the shared
 * `$lib/oci/layer` pipeline (digest, decompression, diff_id, tar) over the stream, hashing as the bytes
 * pass (WebCrypto only when a request gives a hash budget). Posts throttled progress, then the verdict with
 * the listing (and the bytes of one requested file). Cancel aborts the fetch, which closes the connection,
 * so the server ends its upstream transfer too.
 */
import { RegscopeError, errorFromBody } from '$lib/oci/errors';
import { FileDigests } from '$lib/oci/compare/file-digests';
import { checkLayer, ListingBuilder, type BlobHasher } from '$lib/oci/layer';
import type { Digest } from '$lib/oci/model';
import type { CheckRequest, FileContent, FromWorker, ToWorker } from './protocol';

const abort = new AbortController();
let received = 0;

function post(m: FromWorker, transfer: Transferable[] = []): void {
	(self as unknown as Worker).postMessage(m, transfer);
}

/** The compressed bytes' digest on a second thread (copies go over; the originals feed the decompressor). */
function threadHasher(algorithm: 'sha256' | 'sha512'): BlobHasher {
	const w = new Worker(new URL('./hash.worker.ts', import.meta.url), { type: 'module' });
	w.postMessage({ algorithm });
	return {
		update(chunk) {
			const copy = chunk.slice();
			w.postMessage(copy.buffer, [copy.buffer]);
		},
		digest: () =>
			new Promise<string>((resolve, reject) => {
				w.onmessage = (ev: MessageEvent<string>) => {
					resolve(ev.data);
					w.terminate();
				};
				w.onerror = (ev) => reject(new Error(ev.message));
				w.postMessage('digest');
			})
	};
}

async function run(req: CheckRequest): Promise<void> {
	let res: Response;
	try {
		res = await fetch(req.url, { headers: req.headers, signal: abort.signal });
	} catch {
		if (abort.signal.aborted) throw new RegscopeError('INVALID_REQUEST', 'cancelled');
		throw new RegscopeError(
			'UPSTREAM_ERROR',
			'the transfer failed before any byte arrived: the server refused to send a layer whose bytes do not match its digest, or the connection failed'
		);
	}
	if (!res.ok || !res.body) {
		let body: unknown = null;
		try {
			body = await res.json();
		} catch {
			/* not JSON */
		}
		throw errorFromBody(body, `the server answered HTTP ${res.status} for layer ${req.digest}`);
	}
	const listing = new ListingBuilder();
	const kept: Uint8Array[] = [];
	let keptBytes = 0;
	let wanted: { size: number } | null = null;
	let last = 0;
	// Per-file content digests, only when asked: the hashing costs throughput the layer browser does not need.
	const fileDigests = req.hashFiles ? await FileDigests.create() : null;
	const check = await checkLayer({
		body: res.body,
		digest: req.digest as Digest,
		size: req.size,
		mediaType: req.mediaType,
		diffId: req.diffId as Digest | null,
		signal: abort.signal,
		// The blob's hash streams on a second thread (past the hash budget, if one is given), so both cores work.
		blobHasher: () => threadHasher(req.digest.startsWith('sha512:') ? 'sha512' : 'sha256'),
		hashBudget: req.hashBudget ?? 0,
		streamBlob: req.streamBlob ?? false,
		onEntry: (e) => {
			fileDigests?.entry(e);
			listing.add(e);
			if (req.path !== undefined && e.path === req.path && e.type === 'file' && !e.sparse) wanted = { size: e.size };
		},
		onData: (e, chunk) => {
			fileDigests?.data(e, chunk);
			if (req.path === undefined || e.path !== req.path || keptBytes >= req.maxContent) return;
			const part = chunk.subarray(0, req.maxContent - keptBytes);
			kept.push(part.slice());
			keptBytes += part.byteLength;
		},
		onProgress: (compressed, uncompressed) => {
			// Kept per chunk so a broken transfer can say how far it got.
			received = compressed;
			const now = Date.now();
			if (now - last < 100) return;
			last = now;
			post({ type: 'progress', compressed, uncompressed, entries: listing.files.length });
		}
	});
	let content: FileContent | null = null;
	const found = wanted as { size: number } | null;
	if (req.path !== undefined && found) {
		const bytes = new Uint8Array(keptBytes);
		let at = 0;
		for (const k of kept) {
			bytes.set(k, at);
			at += k.byteLength;
		}
		content = { path: req.path, bytes, truncated: found.size > keptBytes, size: found.size };
	}
	post(
		{ type: 'done', check, listing: listing.listing(), content, ...(fileDigests ? { digests: fileDigests.finish() } : {}) },
		content ? [content.bytes.buffer] : []
	);
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
	const m = ev.data;
	if (m.type === 'cancel') {
		abort.abort(new RegscopeError('INVALID_REQUEST', 'cancelled'));
		return;
	}
	run(m).catch((e: unknown) => {
		const error =
			e instanceof RegscopeError
				? e
				: new RegscopeError(
						'SIZE_MISMATCH',
						`the transfer stopped after ${received} of ${m.size} bytes: the server ends a layer whose bytes do not match its digest (a dropped connection looks the same; check again to tell them apart)`
					);
		post({ type: 'error', error: error.toJSON(), received });
	});
};
