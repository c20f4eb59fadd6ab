/**
 * The uncompressed size of each layer this tab has checked in full (its digest and its diff_id both
 * matched, so the count of tar bytes is the layer's own), by layer digest. The layer checks write it;
 * the platform table reads it to show an image's uncompressed size without fetching anything for it.
 */
import { SvelteMap } from 'svelte/reactivity';
import type { Descriptor } from '$lib/oci/model';

/** Plenty for the images one tab looks at; the oldest entry goes first. */
const MAX_LAYERS = 2000;

const known = new SvelteMap<string, number>();

/** Records a layer whose check verified (call only with a `verified` LayerCheck's figures). */
export function recordUncompressed(digest: string, bytes: number): void {
	known.delete(digest);
	known.set(digest, bytes);
	if (known.size > MAX_LAYERS) {
		const oldest = known.keys().next();
		if (!oldest.done) known.delete(oldest.value);
	}
}

/** The sum of the layers' uncompressed sizes when every one of them was verified here, else null. */
export function uncompressedSize(layers: readonly Descriptor[]): number | null {
	if (layers.length === 0) return null;
	let sum = 0;
	for (const l of layers) {
		const n = known.get(l.digest);
		if (n === undefined) return null;
		sum += n;
	}
	return sum;
}
