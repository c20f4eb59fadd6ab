/**
 * Concurrency caps: in-flight work per key (client address, upstream host, all clients) with a bounded
 * wait queue. Beyond the queue, or after waiting too long, the caller gets SERVER_BUSY at once (this
 * server's own limit, never to be confused with a registry's rate limit): nothing grows without bound, and
 * one client or one registry cannot take every slot.
 */
import { RegscopeError } from '$lib/oci/errors';
import { parseIPv6 } from '../net/ip';

export interface KeyedLimiterOptions {
	/** Slots per key. */
	concurrency: number;
	/** Callers that may wait per key once the slots are taken. */
	queue: number;
	/** Longest wait for a slot (ms) before SERVER_BUSY. */
	maxWaitMs: number;
	/** For messages: "requests from your address", "requests to registry X". */
	describe(key: string): string;
}

interface Waiter {
	grant(): void;
	fail(e: Error): void;
}

interface Slot {
	active: number;
	waiting: Waiter[];
}

export type Release = () => void;

export class KeyedLimiter {
	private readonly slots = new Map<string, Slot>();

	constructor(private readonly o: KeyedLimiterOptions) {}

	/** In-flight count for `key` (tests, diagnostics). */
	active(key: string): number {
		return this.slots.get(key)?.active ?? 0;
	}

	/** Number of keys with work in flight or waiting (stays bounded: entries are dropped when idle). */
	get size(): number {
		return this.slots.size;
	}

	/**
	 * Waits for a slot of `key`. Rejects with SERVER_BUSY when the queue is full or the wait exceeds
	 * maxWaitMs, and with the signal's reason when `signal` aborts while waiting. Call the returned
	 * function exactly once when done (extra calls are ignored).
	 */
	acquire(key: string, signal?: AbortSignal): Promise<Release> {
		let slot = this.slots.get(key);
		if (!slot) {
			slot = { active: 0, waiting: [] };
			this.slots.set(key, slot);
		}
		const s = slot;
		const release = this.releaser(key, s);
		if (s.active < this.o.concurrency) {
			s.active++;
			return Promise.resolve(release);
		}
		if (s.waiting.length >= this.o.queue) {
			return Promise.reject(this.busy(key));
		}
		if (signal?.aborted) return Promise.reject(signal.reason as Error);
		return new Promise<Release>((resolve, reject) => {
			const cleanup = () => {
				clearTimeout(timer);
				signal?.removeEventListener('abort', onAbort);
				const i = s.waiting.indexOf(waiter);
				if (i >= 0) s.waiting.splice(i, 1);
			};
			const waiter: Waiter = {
				grant: () => {
					cleanup();
					s.active++;
					resolve(release);
				},
				fail: (e) => {
					cleanup();
					if (s.active === 0 && s.waiting.length === 0 && this.slots.get(key) === s) this.slots.delete(key);
					reject(e);
				}
			};
			const onAbort = () => waiter.fail(signal!.reason as Error);
			const timer = setTimeout(() => waiter.fail(this.busy(key)), this.o.maxWaitMs);
			signal?.addEventListener('abort', onAbort, { once: true });
			s.waiting.push(waiter);
		});
	}

	/** Runs `fn` holding a slot of `key`. */
	async run<T>(key: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
		const release = await this.acquire(key, signal);
		try {
			return await fn();
		} finally {
			release();
		}
	}

	private releaser(key: string, s: Slot): Release {
		let done = false;
		return () => {
			if (done) return;
			done = true;
			s.active--;
			const next = s.waiting[0];
			if (next) next.grant();
			else if (s.active === 0 && this.slots.get(key) === s) this.slots.delete(key);
		};
	}

	private busy(key: string): RegscopeError {
		return new RegscopeError(
			'SERVER_BUSY',
			`this regscope server is busy: too many ${this.o.describe(key)} at once (limit ${this.o.concurrency} in flight and ${this.o.queue} waiting); try again in a few seconds`,
			{ limit: this.o.concurrency, retryAfterSeconds: 2 }
		);
	}
}

/**
 * The key a client's API calls are counted under: its IPv4 address, or the /64 of its IPv6 address (one
 * IPv6 client commonly holds a whole /64, and could otherwise take a new key for every call).
 */
export function clientKey(address: string): string {
	const a = address.trim().toLowerCase();
	const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
	if (mapped) return mapped[1]!;
	if (!a.includes(':')) return a;
	const groups = parseIPv6(a.replace(/%.*$/, ''));
	if (!groups) return a;
	return `${groups
		.slice(0, 4)
		.map((g) => g.toString(16))
		.join(':')}::/64`;
}
