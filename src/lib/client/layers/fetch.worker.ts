/**
 * Fetches a layer for the layer worker and hashes its compressed bytes (the layer digest) on its own thread.
 * It reads ahead of the layer worker, up to a window, so the network keeps flowing while that worker
 * decompresses, hashes the tar and reads it: on one thread, every chunk's processing held up the next read
 * (the browser stops a response whose reader is busy once its small buffer is full). Chunks go over
 * transferred, not copied. The messages are in ./fetch-protocol.
 */
import { wasmHasher, type StreamHasher } from '$lib/oci/layer/hash';
import type { FetchReply, FetchRequest, ToFetchWorker } from './fetch-protocol';
import { transferable } from './transferable';

/** Bytes read ahead of the layer worker at most: memory stays bounded whatever the layer's size. */
const WINDOW = 8 * 1024 * 1024;

const abort = new AbortController();
const queue: ArrayBuffer[] = [];
let queued = 0;
let last: FetchReply | null = null;
let asked = false;
let resume: (() => void) | null = null;
/** The blob's digest, asked once: at the end, or by a cancel (the digest of what had arrived). */
let digestOnce: (() => Promise<string>) | null = null;

function send(m: FetchReply, transfer: Transferable[] = []): void {
	(self as unknown as Worker).postMessage(m, transfer);
}

/** Answers a pending pull with the next chunk, or with the end once every chunk went. */
function serve(): void {
	if (!asked) return;
	const bytes = queue.shift();
	if (bytes) {
		asked = false;
		queued -= bytes.byteLength;
		send({ type: 'chunk', bytes }, [bytes]);
		resume?.();
		resume = null;
	} else if (last) {
		asked = false;
		send(last);
	}
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
			if (queued >= WINDOW) await new Promise<void>((r) => (resume = r));
			const { done, value } = await reader.read();
			if (done) break;
			hasher.update(value);
			const bytes = transferable(value, true);
			queue.push(bytes);
			queued += bytes.byteLength;
			serve();
		}
		last = { type: 'end', digest: await digestOnce() };
	} catch (e) {
		last = { type: 'broken', message: e instanceof Error ? e.message : String(e) };
	}
	serve();
}

/** Aborts the transfer and, if the check may still want it, answers with the digest of what arrived. */
async function cancel(): Promise<void> {
	abort.abort();
	resume?.();
	// The check awaits it when it stopped reading because the layer ran over its size.
	const final = last?.type === 'end' ? last : digestOnce ? { type: 'end' as const, digest: await digestOnce() } : null;
	if (final) send(final);
	self.close();
}

self.onmessage = (ev: MessageEvent<ToFetchWorker>) => {
	const m = ev.data;
	if (m.type === 'start') void start(m);
	else if (m.type === 'pull') {
		asked = true;
		serve();
	} else void cancel();
};
