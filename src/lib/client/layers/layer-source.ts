/**
 * The layer worker's end of ./fetch.worker.ts: the layer's bytes as a stream for the check, and their
 * digest as hashed on the fetch worker's thread (a `StreamHasher` whose `update` has nothing left to do).
 * Failures before the first byte become the errors people see; a transfer that breaks later errors the
 * stream, as a broken fetch body would.
 */
import { RegscopeError, errorFromBody } from '$lib/oci/errors';
import type { StreamHasher } from '$lib/oci/layer';
import type { FetchReply, ToFetchWorker } from './fetch-protocol';

export interface LayerSource {
	body: ReadableStream<Uint8Array>;
	hasher: StreamHasher;
}

/** `port`: the channel to the fetch worker the page started for this check (the page also ends that worker). */
export function openLayer(req: { digest: string }, port: MessagePort, signal: AbortSignal): Promise<LayerSource> {
	const tell = (m: ToFetchWorker) => port.postMessage(m);
	const onAbort = () => tell({ type: 'cancel' });
	signal.addEventListener('abort', onAbort, { once: true });
	const finish = () => {
		signal.removeEventListener('abort', onAbort);
		port.close();
	};

	// Chunks that arrived and were not read yet (the fetch worker sends them as they come, up to its window),
	// then how the transfer ended: the stream hands them out as the check reads, and acknowledges each.
	const arrived: ArrayBuffer[] = [];
	let outcome: { closed: true } | { error: Error } | null = null;
	let wake: (() => void) | null = null;
	const arrive = () => {
		wake?.();
		wake = null;
	};
	// Once the check cancelled the stream, only the digest still matters (chunks in flight are dropped).
	let cancelled = false;
	let settleDigest!: { resolve: (hex: string) => void; reject: (e: unknown) => void };
	const digest = new Promise<string>((resolve, reject) => (settleDigest = { resolve, reject }));
	digest.catch(() => undefined);
	const body = new ReadableStream<Uint8Array>(
		{
			async pull(controller) {
				while (arrived.length === 0 && !outcome) await new Promise<void>((r) => (wake = r));
				const next = arrived.shift();
				if (next) {
					controller.enqueue(new Uint8Array(next));
					tell({ type: 'consumed', bytes: next.byteLength });
				} else if (outcome && 'error' in outcome) controller.error(outcome.error);
				else controller.close();
			},
			cancel: () => {
				cancelled = true;
				arrived.length = 0;
				tell({ type: 'cancel' });
			}
		},
		{ highWaterMark: 0 }
	);

	return new Promise<LayerSource>((resolve, reject) => {
		port.onmessage = (ev: MessageEvent<FetchReply>) => {
			const m = ev.data;
			if (cancelled) {
				if (m.type === 'end') settleDigest.resolve(m.digest);
				if (m.type === 'end' || m.type === 'broken') finish();
				if (m.type === 'broken') settleDigest.reject(new Error(m.message));
				return;
			}
			switch (m.type) {
				case 'open':
					resolve({ body, hasher: { update: () => undefined, digest: () => digest } });
					return;
				case 'failed':
					finish();
					reject(
						m.cancelled || signal.aborted
							? new RegscopeError('INVALID_REQUEST', 'cancelled')
							: new RegscopeError(
									'UPSTREAM_ERROR',
									'the transfer failed before any byte arrived: the server refused to send a layer whose bytes do not match its digest, or the connection failed'
								)
					);
					return;
				case 'refused':
					finish();
					reject(errorFromBody(m.body, `the server answered HTTP ${m.status} for layer ${req.digest}`));
					return;
				case 'chunk':
					arrived.push(m.bytes);
					break;
				case 'end':
					finish();
					outcome = { closed: true };
					settleDigest.resolve(m.digest);
					break;
				case 'broken':
					finish();
					outcome = { error: new Error(m.message) };
					settleDigest.reject(new Error(m.message));
					break;
			}
			arrive();
		};
	});
}
