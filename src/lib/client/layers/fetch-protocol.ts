/**
 * Messages of the fetch worker (./fetch.worker.ts). The page starts it beside the layer worker, so the request
 * goes out while that worker loads, and gives it one end of a channel (`port`) whose other end the layer worker
 * gets (`CheckRequest.fetchPort`): everything after `start` goes over that channel.
 */
import type { DigestAlgorithm } from '$lib/oci/digest';

export interface FetchRequest {
	type: 'start';
	url: string;
	headers: Record<string, string>;
	algorithm: DigestAlgorithm;
	/** The channel to the layer worker (transferred). */
	port: MessagePort;
}

/** `consumed` acknowledges bytes the check has read (the window moves on); `cancel` aborts the transfer. */
export type ToFetchWorker = { type: 'consumed'; bytes: number } | { type: 'cancel' };

export type FetchReply =
	/** The server answered 2xx: chunks follow. */
	| { type: 'open' }
	/** No answer at all (network failure or cancel). */
	| { type: 'failed'; cancelled: boolean }
	/** The server answered an error (its JSON body, when it had one). */
	| { type: 'refused'; status: number; body: unknown }
	/** Sent as it arrives, while fewer than the window's bytes are unacknowledged. */
	| { type: 'chunk'; bytes: ArrayBuffer }
	/** Every byte went (or, after a cancel, all that had arrived); `digest` is the hex hash of them. */
	| { type: 'end'; digest: string }
	/** The transfer broke after it began. */
	| { type: 'broken'; message: string };
