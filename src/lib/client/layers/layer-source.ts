/**
 * The layer worker's end of ./fetch.worker.ts: the layer's bytes as a stream for the check, and their
 * digest as hashed on the fetch worker's thread (a `StreamHasher` whose `update` has nothing left to do).
 * Failures before the first byte become the errors people see; a transfer that breaks later errors the
 * stream, as a broken fetch body would.
 */
import { RegscopeError, errorFromBody } from '$lib/oci/errors';
import type { StreamHasher } from '$lib/oci/layer';
import { algorithmOf } from '$lib/oci/digest';
import type { Digest } from '$lib/oci/model';
import type { FetchReply, ToFetchWorker } from './fetch-protocol';

export interface LayerSource {
	body: ReadableStream<Uint8Array>;
	hasher: StreamHasher;
}

export function openLayer(
	req: { url: string; headers: Record<string, string>; digest: string },
	signal: AbortSignal
): Promise<LayerSource> {
	const w = new Worker(new URL('./fetch.worker.ts', import.meta.url), { type: 'module' });
	const tell = (m: ToFetchWorker) => w.postMessage(m);
	const onAbort = () => tell({ type: 'cancel' });
	signal.addEventListener('abort', onAbort, { once: true });
	const finish = () => {
		signal.removeEventListener('abort', onAbort);
		w.terminate();
	};

	let controller!: ReadableStreamDefaultController<Uint8Array>;
	let pulled: (() => void) | null = null;
	// Once the check cancelled the stream, only the digest still matters (chunks in flight are dropped).
	let cancelled = false;
	let settleDigest!: { resolve: (hex: string) => void; reject: (e: unknown) => void };
	const digest = new Promise<string>((resolve, reject) => (settleDigest = { resolve, reject }));
	digest.catch(() => undefined);
	const body = new ReadableStream<Uint8Array>({
		start: (c) => void (controller = c),
		pull: () =>
			new Promise<void>((resolve) => {
				pulled = resolve;
				tell({ type: 'pull' });
			}),
		cancel: () => {
			cancelled = true;
			tell({ type: 'cancel' });
		}
	});

	return new Promise<LayerSource>((resolve, reject) => {
		w.onerror = (ev) => {
			const e = new RegscopeError('INTERNAL_ERROR', `the layer's fetch worker failed: ${ev.message || 'unknown error'}`);
			finish();
			reject(e);
			controller.error(e);
			settleDigest.reject(e);
		};
		w.onmessage = (ev: MessageEvent<FetchReply>) => {
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
					controller.enqueue(new Uint8Array(m.bytes));
					break;
				case 'end':
					finish();
					controller.close();
					settleDigest.resolve(m.digest);
					break;
				case 'broken':
					finish();
					controller.error(new Error(m.message));
					settleDigest.reject(new Error(m.message));
					break;
			}
			pulled?.();
			pulled = null;
		};
		tell({ type: 'start', url: req.url, headers: req.headers, algorithm: algorithmOf(req.digest as Digest) });
	});
}
