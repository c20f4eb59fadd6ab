/**
 * Response bodies read under a cap: counted while they arrive (a Content-Length can lie), stopped the
 * moment the cap is passed. A success body past its cap is an error; an error body is cut and kept.
 */
import type { Readable } from 'node:stream';
import { RegscopeError } from '$lib/oci/errors';
import type { UpstreamRequest } from './http';

/** The error for a success body past `cap`: a size code, or DIGEST_MISMATCH when the cap is a descriptor's size. */
export function sizeError(o: Pick<UpstreamRequest, 'tooLarge' | 'what' | 'registry'>, cap: number): RegscopeError {
	if (o.tooLarge === 'DIGEST_MISMATCH') {
		return new RegscopeError(
			'DIGEST_MISMATCH',
			`${o.what} from ${o.registry} is longer than the ${cap} bytes its descriptor says: these are not the bytes it names`,
			{ expectedSize: cap }
		);
	}
	return new RegscopeError(o.tooLarge, `${o.what} from ${o.registry} is larger than the ${cap} byte limit`, { limit: cap });
}

/**
 * Reads `body` up to `cap` bytes. Past the cap: throws `tooLarge()` when given (success bodies), else
 * keeps the first `cap` bytes and reports `truncated` (error bodies). `onBytes` sees every byte kept.
 */
export async function readCapped(
	body: Readable,
	cap: number,
	tooLarge: (() => RegscopeError) | null,
	onBytes: (n: number) => void
): Promise<{ body: Uint8Array; truncated: boolean }> {
	const chunks: Uint8Array[] = [];
	let bytes = 0;
	let truncated = false;
	for await (const chunk of body as AsyncIterable<Uint8Array>) {
		if (bytes + chunk.byteLength > cap) {
			body.destroy();
			if (tooLarge) throw tooLarge();
			onBytes(cap - bytes);
			chunks.push(chunk.subarray(0, cap - bytes));
			bytes = cap;
			truncated = true;
			break;
		}
		onBytes(chunk.byteLength);
		chunks.push(chunk);
		bytes += chunk.byteLength;
	}
	const out = new Uint8Array(bytes);
	let at = 0;
	for (const c of chunks) {
		out.set(c, at);
		at += c.byteLength;
	}
	return { body: out, truncated };
}
