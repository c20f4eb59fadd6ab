/** What the summary says about an image, decided here rather than in the component that shows it. */
import { describeMediaType, isImageConfigType } from '$lib/oci/media-types';
import type { Summary } from './inspection.svelte';

/** The image's size: the sum of its layers as stored (compressed); null where the format records none (schema1). */
export interface ImageSize {
	compressed: number | null;
	layers: number;
}

export function imageSize(s: Summary): ImageSize | null {
	const m = s.image?.manifest;
	if (!m) return null;
	if (m.kind === 'schema1') return { compressed: null, layers: m.layers.length };
	return { compressed: m.layers.reduce((n, l) => n + l.size, 0), layers: m.layers.length };
}

/**
 * What the top object is, in words: the manifest's kind, or for an artifact (a manifest whose config is
 * not an image config) the artifact type it declares.
 */
export function describeTop(s: Summary): string {
	const m = s.image?.manifest;
	if (!s.index && m?.kind === 'image' && !isImageConfigType(m.config.mediaType)) {
		return `Artifact: ${m.artifactType ?? m.config.mediaType}`;
	}
	return describeMediaType(s.top.mediaType);
}
