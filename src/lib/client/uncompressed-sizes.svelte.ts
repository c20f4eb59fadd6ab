/**
 * The uncompressed size of each layer this tab has checked in full (its digest and its diff_id both
 * matched, so the count of tar bytes is the layer's own), by layer digest. The layer checks write it;
 * the platform table reads it to show an image's uncompressed size without fetching anything for it.
 */
import type { Descriptor } from '$lib/oci/model';

/** Plenty for the images one tab looks at; the oldest entry goes first. */
const MAX_LAYERS = 2000;

// A record replaced on each change rather than svelte/reactivity's SvelteMap, which the bundler would
// put in the framework chunk every page loads first.
let known = $state.raw<Record<string, number>>({});

/** Records a layer whose check verified (call only with a `verified` LayerCheck's figures). */
export function recordUncompressed(digest: string, bytes: number): void {
	const next = { ...known, [digest]: bytes };
	const keys = Object.keys(next);
	if (keys.length > MAX_LAYERS) delete next[keys[0] as string];
	known = next;
}

/** The sum of the layers' uncompressed sizes when every one of them was verified here, else null. */
export function uncompressedSize(layers: readonly Descriptor[]): number | null {
	if (layers.length === 0) return null;
	let sum = 0;
	for (const l of layers) {
		const n = Object.hasOwn(known, l.digest) ? known[l.digest] : undefined;
		if (n === undefined) return null;
		sum += n;
	}
	return sum;
}
