/** Messages between the page and the layer worker (structured-clone safe values only). */
import type { LayerCheck, LayerListing } from '$lib/oci/layer';
import type { ErrorBody } from '$lib/oci/errors';

export interface CheckRequest {
	type: 'check';
	digest: string;
	size: number;
	mediaType: string;
	diffId: string | null;
	/** Keep the bytes of this path (no leading slash), up to `maxContent` bytes. */
	path?: string;
	maxContent: number;
	/** Also hash each regular file's content (sha256), for comparing two images' files. */
	hashFiles?: boolean;
	/** The channel to the fetch worker the page started beside this one (transferred). */
	fetchPort: MessagePort;
}

export type ToWorker = CheckRequest | { type: 'cancel' };

export interface FileContent {
	path: string;
	bytes: Uint8Array;
	/** The file is longer than what was kept. */
	truncated: boolean;
	size: number;
}

export type FromWorker =
	| { type: 'progress'; compressed: number; uncompressed: number; entries: number }
	| { type: 'done'; check: LayerCheck; listing: LayerListing; content: FileContent | null; digests?: Record<string, string> }
	| { type: 'error'; error: ErrorBody; received: number };
