/**
 * The layer check off the main thread, on three: a fetch worker (started by the page beside this one, reached
 * through ./layer-source) brings the layer from our proxy and hashes it as it arrives; this worker runs the
 * shared `$lib/oci/layer` pipeline (decompression, tar) over the same bytes; a hash worker (./hash.worker)
 * takes the tar's bytes for the diff_id. Posts throttled progress, then the verdict with the listing (and the
 * bytes of one requested file). Cancel aborts the fetch, which closes the connection, so the server ends its
 * upstream transfer too.
 */
import { RegscopeError } from '$lib/oci/errors';
import { FileDigests } from '$lib/oci/compare/file-digests';
import { checkLayer, ListingBuilder } from '$lib/oci/layer';
import type { Digest } from '$lib/oci/model';
import type { CheckRequest, FileContent, FromWorker, ToWorker } from './protocol';
import { openLayer } from './layer-source';
import { threadHasher } from './thread-hasher';

const abort = new AbortController();
let received = 0;

function post(m: FromWorker, transfer: Transferable[] = []): void {
	(self as unknown as Worker).postMessage(m, transfer);
}

async function run(req: CheckRequest): Promise<void> {
	const source = await openLayer(req, req.fetchPort, abort.signal);
	const listing = new ListingBuilder();
	const kept: Uint8Array[] = [];
	let keptBytes = 0;
	let wanted: { size: number } | null = null;
	let last = 0;
	// Per-file content digests, only when asked: the hashing costs throughput the layer browser does not need.
	const fileDigests = req.hashFiles ? await FileDigests.create() : null;
	const check = await checkLayer({
		body: source.body,
		digest: req.digest as Digest,
		size: req.size,
		mediaType: req.mediaType,
		diffId: req.diffId as Digest | null,
		signal: abort.signal,
		// The blob was hashed on the fetch worker's thread as it arrived, so both cores work.
		blobHasher: () => source.hasher,
		// The tar's hash on a third thread: this one decompresses and reads the tar meanwhile.
		diffHasher: threadHasher,
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
