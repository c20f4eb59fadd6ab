/**
 * One check of one layer in a Web Worker, as reactive state: progress (bytes of total, MiB/s, time left),
 * cancel, and the verdict. The listing and file bytes are exposed only through `verified*` getters, which
 * stay empty until the whole layer's digest and diff_id matched.
 */
import { RegscopeError, errorFromBody } from '$lib/oci/errors';
import { algorithmOf } from '$lib/oci/digest';
import type { Descriptor, Digest } from '$lib/oci/model';
import type { LayerCheck, LayerListing } from '$lib/oci/layer';
import { isMismatch } from '../error-kind';
import { proxyHeaders } from '../source';
import { recordUncompressed } from '../uncompressed-sizes.svelte';
import type { CheckRequest, FileContent, FromWorker } from './protocol';
import type { FetchRequest } from './fetch-protocol';

export type RunStatus = 'running' | 'verified' | 'mismatch' | 'failed' | 'cancelled';

/** Bytes of one file kept for display and download. */
export const MAX_CONTENT_BYTES = 64 * 1024 * 1024;

export interface LayerTarget {
	/** `repositoryName(ref)`, as the proxy takes it. */
	repo: string;
	layer: Descriptor;
	diffId: Digest | null;
	authorization?: string;
	/** Hash every regular file's content too (`verifiedDigests`). */
	hashFiles?: boolean;
}

export function layerUrl(t: LayerTarget): string {
	// A query string built once and read at once: nothing renders from it.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	const q = new URLSearchParams({ ref: t.repo, digest: t.layer.digest, size: String(t.layer.size), layer: '1' });
	return `/api/registry/blob?${q}`;
}

export class LayerRun {
	status = $state<RunStatus>('running');
	compressed = $state(0);
	uncompressed = $state(0);
	entries = $state(0);
	readonly total: number;
	readonly path: string | undefined;
	check = $state.raw<LayerCheck | null>(null);
	error = $state.raw<RegscopeError | null>(null);
	#listing = $state.raw<LayerListing | null>(null);
	#content = $state.raw<FileContent | null>(null);
	#digests = $state.raw<Record<string, string> | null>(null);
	#started = performance.now();
	elapsedMs = $state(0);
	#done: Promise<void>;

	constructor(target: LayerTarget, path?: string) {
		this.total = target.layer.size;
		this.path = path;
		const req: Omit<CheckRequest, 'fetchPort'> = {
			type: 'check',
			digest: target.layer.digest,
			size: target.layer.size,
			mediaType: target.layer.mediaType,
			diffId: target.diffId,
			maxContent: MAX_CONTENT_BYTES,
			...(path !== undefined ? { path } : {}),
			...(target.hashFiles ? { hashFiles: true } : {})
		};
		this.#done = new Promise<void>((resolve) => {
			// Both workers start at once, linked by a channel: the layer's request goes out while the layer worker
			// loads, instead of after it loaded and started the fetch worker itself. Vite bundles each worker from
			// this exact `new URL(…, import.meta.url)` form; they are not state.
			// eslint-disable-next-line svelte/prefer-svelte-reactivity
			const worker = new Worker(new URL('./layer.worker.ts', import.meta.url), { type: 'module' });
			// eslint-disable-next-line svelte/prefer-svelte-reactivity
			const fetcher = new Worker(new URL('./fetch.worker.ts', import.meta.url), { type: 'module' });
			const channel = new MessageChannel();
			const finish = () => {
				this.elapsedMs = performance.now() - this.#started;
				worker.terminate();
				fetcher.terminate();
				resolve();
			};
			worker.onmessage = (ev: MessageEvent<FromWorker>) => {
				const m = ev.data;
				if (this.status !== 'running') return;
				if (m.type === 'progress') {
					this.compressed = m.compressed;
					this.uncompressed = m.uncompressed;
					this.entries = m.entries;
					this.elapsedMs = performance.now() - this.#started;
					return;
				}
				if (m.type === 'done') {
					this.compressed = m.check.compressedSize;
					this.uncompressed = m.check.uncompressedSize;
					this.entries = m.listing.files.length;
					this.check = m.check;
					this.#listing = m.listing;
					this.#content = m.content;
					this.#digests = m.digests ?? null;
					this.status = m.check.verdict;
					if (m.check.verdict === 'verified') recordUncompressed(target.layer.digest, m.check.uncompressedSize);
				} else {
					this.compressed = m.received;
					this.error = errorFromBody({ error: m.error }, m.error.message);
					this.status = isMismatch(this.error.code) ? 'mismatch' : 'failed';
				}
				finish();
			};
			const failed = (which: string) => (ev: ErrorEvent) => {
				if (this.status !== 'running') return;
				this.error = new RegscopeError('INTERNAL_ERROR', `the ${which} failed: ${ev.message || 'unknown error'}`);
				this.status = 'failed';
				finish();
			};
			worker.onerror = failed('layer worker');
			fetcher.onerror = failed("layer's fetch worker");
			const start: FetchRequest = {
				type: 'start',
				url: layerUrl(target),
				headers: proxyHeaders(target.authorization),
				algorithm: algorithmOf(target.layer.digest),
				port: channel.port1
			};
			fetcher.postMessage(start, [channel.port1]);
			worker.postMessage({ ...req, fetchPort: channel.port2 } satisfies CheckRequest, [channel.port2]);
			this.#cancelWorker = () => {
				worker.postMessage({ type: 'cancel' });
				// Give the worker a moment to abort its fetch (closing the connection), then stop it.
				setTimeout(finish, 200);
			};
		});
	}

	#cancelWorker: () => void = () => undefined;

	cancel(): void {
		if (this.status !== 'running') return;
		this.status = 'cancelled';
		this.#cancelWorker();
	}

	/** Resolves when the run ended (any outcome). */
	get done(): Promise<void> {
		return this.#done;
	}

	/** The listing, once the layer verified; null before and on any failure. */
	get verifiedListing(): LayerListing | null {
		return this.status === 'verified' ? this.#listing : null;
	}

	/** The requested file's bytes, once the layer verified. */
	get verifiedContent(): FileContent | null {
		return this.status === 'verified' ? this.#content : null;
	}

	/** Content digests by path (when `hashFiles` was asked), once the layer verified. */
	get verifiedDigests(): Record<string, string> | null {
		return this.status === 'verified' ? this.#digests : null;
	}

	get bytesPerSecond(): number {
		return this.elapsedMs > 0 ? (this.compressed * 1000) / this.elapsedMs : 0;
	}

	/** Seconds left at the current rate, or null when unknown. */
	get secondsLeft(): number | null {
		const rate = this.bytesPerSecond;
		return rate > 0 ? Math.max(0, (this.total - this.compressed) / rate) : null;
	}
}
