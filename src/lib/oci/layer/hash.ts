/**
 * A layer's two hashes (blob digest, diff_id) within a memory budget. WebCrypto's digest is native
 * (SHA-NI where the CPU has it: several times hash-wasm) but only takes the whole input at once, so the
 * bytes are collected as they stream and hashed at the end while the budget allows. Past the budget, what
 * was collected goes through the streaming fallback (hash-wasm) and so does the rest: memory stays
 * bounded however big the layer.
 */
import type { DigestAlgorithm } from '../digest';

/** Bytes one layer check may hold for WebCrypto (blob and tar together) before it streams instead. */
export const LAYER_HASH_BUDGET = 128 * 1024 * 1024;

/** A digest fed in pieces; `digest` is the lowercase hex of everything passed to `update`. */
export interface StreamHasher {
	update(chunk: Uint8Array): void;
	digest(): Promise<string>;
	/** Whether the bytes are being collected for WebCrypto (false once streaming through the fallback). */
	readonly collecting?: boolean;
}

/** What is left of a layer check's budget, shared by its hashes. */
export class HashBudget {
	constructor(private remaining: number) {}

	take(bytes: number): boolean {
		if (bytes > this.remaining) return false;
		this.remaining -= bytes;
		return true;
	}

	/** Everything left (a reservation of address space: pages cost memory only once written). */
	takeAll(): number {
		const all = this.remaining;
		this.remaining = 0;
		return all;
	}

	give(bytes: number): void {
		this.remaining += bytes;
	}
}

const SUBTLE_NAME: Record<DigestAlgorithm, string> = { sha256: 'SHA-256', sha512: 'SHA-512' };

function hex(bytes: ArrayBuffer): string {
	let s = '';
	for (const b of new Uint8Array(bytes)) s += b.toString(16).padStart(2, '0');
	return s;
}

/**
 * Collects for WebCrypto while `budget` allows, else streams through `fallback()` (created only then).
 * `size`, when known (the blob's, from its descriptor), is reserved up front; otherwise (the tar) the
 * first update reserves what is left of the budget. One allocation and no growth copies either way:
 * touching fresh memory is what costs (page faults), and only the bytes written touch it.
 */
export function budgetHasher(algorithm: DigestAlgorithm, budget: HashBudget, fallback: () => StreamHasher, size?: number): StreamHasher {
	const subtle = globalThis.crypto?.subtle;
	let buf: Uint8Array<ArrayBuffer> | null = null;
	let length = 0;
	let streaming: StreamHasher | null = null;

	const stream = (): StreamHasher => {
		const h = fallback();
		if (buf) {
			h.update(buf.subarray(0, length));
			budget.give(buf.byteLength);
			buf = null;
		}
		streaming = h;
		return h;
	};
	// Without WebCrypto (a page over plain http from another host) collecting would gain nothing.
	if (!subtle) stream();
	else if (size !== undefined) {
		if (budget.take(size)) buf = new Uint8Array(size);
		else stream();
	}

	/** Whether `more` bytes fit; false when the budget is spent. */
	const room = (more: number): boolean => {
		buf ??= new Uint8Array(budget.takeAll());
		return length + more <= buf.byteLength;
	};

	return {
		get collecting() {
			return streaming === null;
		},
		update(chunk) {
			if (streaming) return streaming.update(chunk);
			if (!room(chunk.byteLength)) return stream().update(chunk);
			buf!.set(chunk, length);
			length += chunk.byteLength;
		},
		async digest() {
			if (streaming) return streaming.digest();
			const bytes = (buf ?? new Uint8Array(0)).subarray(0, length);
			const held = buf?.byteLength ?? 0;
			buf = null;
			try {
				return hex(await subtle!.digest(SUBTLE_NAME[algorithm], bytes));
			} finally {
				budget.give(held);
			}
		}
	};
}
