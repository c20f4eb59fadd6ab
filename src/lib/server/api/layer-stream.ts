/**
 * Layer blobs from a registry, streamed: never read into memory, never put in the object cache. Each stream
 * is capped in size (REGSCOPE_MAX_LAYER_MB), holds one of the client's layer-stream slots
 * (REGSCOPE_CLIENT_LAYER_STREAMS) until it ends or is cancelled, and delivers exactly the descriptor's size.
 */
import { createHash } from 'node:crypto';
import { RegscopeError } from '$lib/oci/errors';
import { algorithmOf } from '$lib/oci/digest';
import type { Digest, Reference } from '$lib/oci/model';
import { KeyedLimiter } from './limits';
import { createRegistrySource, type RegistrySourceOptions } from '../registry/client';

export interface LayerSettings {
	maxLayerBytes: number;
	clientLayerStreams: number;
}

const MiB = 1024 * 1024;

function positive(env: Record<string, string | undefined>, name: string, fallback: number): number {
	const v = env[name]?.trim();
	if (!v) return fallback;
	const n = Number(v);
	if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
	return n;
}

export function parseLayerSettings(env: Record<string, string | undefined>): LayerSettings {
	return {
		maxLayerBytes: positive(env, 'REGSCOPE_MAX_LAYER_MB', 2048) * MiB,
		clientLayerStreams: positive(env, 'REGSCOPE_CLIENT_LAYER_STREAMS', 4)
	};
}

let settings: LayerSettings | undefined;
let perClient: KeyedLimiter | undefined;

export function getLayerSettings(): LayerSettings {
	settings ??= parseLayerSettings(process.env);
	return settings;
}

function clientStreams(): KeyedLimiter {
	perClient ??= new KeyedLimiter({
		concurrency: getLayerSettings().clientLayerStreams,
		queue: 0,
		maxWaitMs: 0,
		describe: () => 'layer downloads from your address'
	});
	return perClient;
}

/** Streams in flight per client (tests and the bench read it). */
export function activeLayerStreams(client: string): number {
	return clientStreams().active(client);
}

export interface LayerRequest {
	ref: Reference;
	digest: Digest;
	size: number;
	/** Client address, for the per-client cap. */
	client: string;
	/** Ends the upstream transfer when the client goes away. */
	signal: AbortSignal;
}

export interface OpenLayer {
	body: ReadableStream<Uint8Array>;
	size: number;
}

function log(line: string): void {
	if (process.env.REGSCOPE_LOG_UPSTREAM === '0') return;
	console.log(`[layer-stream] ${line}`);
}

/** Refuses a layer above the cap before any registry request. */
export function checkLayerSize(size: number, digest: string): void {
	const max = getLayerSettings().maxLayerBytes;
	if (!Number.isSafeInteger(size) || size < 0) {
		throw new RegscopeError('INVALID_REQUEST', `layer ${digest} has an invalid size`);
	}
	if (size > max) {
		throw new RegscopeError(
			'BLOB_TOO_LARGE',
			`layer ${digest} is ${(size / MiB).toFixed(1)} MiB; this server streams layers up to ${max / MiB} MiB (REGSCOPE_MAX_LAYER_MB)`,
			{ limit: max }
		);
	}
}

/**
 * Opens the layer's byte stream. The bytes are also hashed here, and the last chunk is held back until
 * the digest matched: a layer that does not match its digest ends in an error instead of completing, so no
 * HTTP cache ever stores it under its immutable headers (the browser still sees it fail and says mismatch).
 */
export async function openLayer(req: LayerRequest, opts: Pick<RegistrySourceOptions, 'credentials' | 'report'>): Promise<OpenLayer> {
	checkLayerSize(req.size, req.digest);
	const release = await clientStreams().acquire(req.client);
	let upstream;
	try {
		const source = createRegistrySource(req.ref, { ...opts, signal: req.signal });
		upstream = await source.blobStream({ mediaType: 'application/octet-stream', digest: req.digest, size: req.size }, req.size);
	} catch (e) {
		release();
		throw e;
	}
	const node = upstream.stream;
	const hash = createHash(algorithmOf(req.digest));
	const iterator = (node as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
	let received = 0;
	let held: Uint8Array | null = null;
	let finished = false;
	const end = (how: string) => {
		if (finished) return;
		finished = true;
		release();
		node.destroy();
		log(`${how} ${req.digest.slice(0, 19)} bytes=${received}/${req.size}`);
	};
	const body = new ReadableStream<Uint8Array>(
		{
			start(controller) {
				// An empty first chunk makes the HTTP headers go out at once, so even a small layer that fails
				// the check reaches the browser as a 200 whose body breaks off, not as a refused connection.
				controller.enqueue(new Uint8Array(0));
			},
			async pull(controller) {
				try {
					// Loop until something is enqueued: a pull that enqueues nothing is not called again.
					for (;;) {
						const { done, value } = await iterator.next();
						if (done) {
							if (received !== req.size) {
								throw new RegscopeError(
									'SIZE_MISMATCH',
									`the registry sent ${received} bytes of layer ${req.digest}; its descriptor says ${req.size}`
								);
							}
							if (`${algorithmOf(req.digest)}:${hash.digest('hex')}` !== req.digest) {
								throw new RegscopeError('DIGEST_MISMATCH', `the registry's bytes for layer ${req.digest} do not match that digest`);
							}
							if (held) controller.enqueue(held);
							controller.close();
							end('done');
							return;
						}
						received += value.byteLength;
						if (received > req.size) {
							throw new RegscopeError('SIZE_MISMATCH', `the registry sent more than the ${req.size} bytes of layer ${req.digest}`);
						}
						hash.update(value);
						const previous = held;
						held = value;
						if (previous) {
							controller.enqueue(previous);
							return;
						}
					}
				} catch (e) {
					end(e instanceof RegscopeError ? `failed (${e.code})` : 'failed');
					controller.error(e);
				}
			},
			cancel() {
				end('cancelled');
			}
		},
		{ highWaterMark: 0 }
	);
	req.signal.addEventListener('abort', () => end('cancelled'), { once: true });
	return { body, size: req.size };
}
