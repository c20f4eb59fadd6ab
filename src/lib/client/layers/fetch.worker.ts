/**
 * Fetches a layer for the layer worker and hashes its compressed bytes (the layer digest) on its own thread.
 * The page starts it beside the layer worker (so the request does not wait for that worker to load) and links
 * the two with a channel. Each chunk goes to the layer worker as soon as it arrived and was hashed, transferred, not copied, up to a
 * window of bytes that worker has not yet acknowledged reading: so the network keeps flowing while that worker
 * decompresses, hashes the tar and reads it, and a chunk is already there when it wants the next one (asking
 * for each chunk cost a round trip between busy threads per chunk: the checker waited half its time).
 * The messages are in ./fetch-protocol.
 */
import { wasmHasher, type StreamHasher } from '$lib/oci/layer/hash';
import type { FetchReply, FetchRequest, ToFetchWorker } from './fetch-protocol';
import { transferable } from './transferable';

/** Bytes sent and not yet read by the layer worker, at most: memory stays bounded whatever the layer's size. */
const WINDOW = 8 * 1024 * 1024;

const abort = new AbortController();
let unread = 0;
/** The end (or the break) went: nothing is sent after it. */
let ended = false;
let resume: (() => void) | null = null;
/** The blob's digest, asked once: at the end, or by a cancel (the digest of what had arrived). */
let digestOnce: (() => Promise<string>) | null = null;
let port: MessagePort | null = null;

function send(m: FetchReply, transfer: Transferable[] = []): void {
	port?.postMessage(m, transfer);
}

function end(m: Extract<FetchReply, { type: 'end' | 'broken' }>): void {
	if (ended) return;
	ended = true;
	send(m);
}

async function start(req: FetchRequest): Promise<void> {
	let hasher: StreamHasher;
	let res: Response;
	try {
		// The request goes out while hash-wasm compiles.
		[hasher, res] = await Promise.all([wasmHasher(req.algorithm), fetch(req.url, { headers: req.headers, signal: abort.signal })]);
	} catch {
		send({ type: 'failed', cancelled: abort.signal.aborted });
		return;
	}
	if (!res.ok || !res.body) {
		let body: unknown = null;
		try {
			body = await res.json();
		} catch {
			/* not JSON */
		}
		send({ type: 'refused', status: res.status, body });
		return;
	}
	let digest: Promise<string> | null = null;
	digestOnce = () => (digest ??= hasher.digest());
	send({ type: 'open' });
	const reader = res.body.getReader();
	try {
		for (;;) {
			if (unread >= WINDOW) await new Promise<void>((r) => (resume = r));
			const { done, value } = await reader.read();
			if (done) break;
			hasher.update(value);
			const bytes = transferable(value, true);
			unread += bytes.byteLength;
			send({ type: 'chunk', bytes }, [bytes]);
		}
		end({ type: 'end', digest: await digestOnce() });
	} catch (e) {
		// After a cancel, cancel() answers.
		if (!abort.signal.aborted) end({ type: 'broken', message: e instanceof Error ? e.message : String(e) });
	}
}

/** Aborts the transfer and, if the check may still want it, answers with the digest of what arrived. */
async function cancel(): Promise<void> {
	abort.abort();
	resume?.();
	// The check awaits it when it stopped reading because the layer ran over its size.
	if (digestOnce) end({ type: 'end', digest: await digestOnce() });
	self.close();
}

function fromLayerWorker(ev: MessageEvent<ToFetchWorker>): void {
	const m = ev.data;
	if (m.type === 'consumed') {
		unread -= m.bytes;
		if (unread < WINDOW) {
			resume?.();
			resume = null;
		}
	} else void cancel();
}

self.onmessage = (ev: MessageEvent<FetchRequest>) => {
	port = ev.data.port;
	port.onmessage = fromLayerWorker;
	void start(ev.data);
};
