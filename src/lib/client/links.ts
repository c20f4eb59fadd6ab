/** Where the digests in a verified inspection lead: child manifests, the config, layers (by digest or diff_id). */
import type { Inspection, Reference } from '$lib/oci/model';
import { digestPermalink } from './permalink';

export function layerAnchor(digest: string): string {
	return `#layer-${digest.replace(':', '-')}`;
}

export function digestLinker(i: Inspection, platform?: string): (digest: string) => string | undefined {
	const ref: Reference = i.reference;
	const map = new Map<string, string>();
	const m = i.manifest.manifest;
	if (m.kind === 'image') map.set(m.config.digest, '#config');
	m.layers.forEach((l) => map.set(l.digest, layerAnchor(l.digest)));
	for (const row of i.timeline.rows) if (row.diffId && row.layer) map.set(row.diffId, layerAnchor(row.layer.digest));
	for (const e of i.platforms) map.set(e.descriptor.digest, digestPermalink(ref, e.descriptor.digest));
	const top = (i.index ?? i.manifest).verification.digest;
	map.set(top, digestPermalink(ref, top, i.index ? platform : undefined));
	// Anything else (a subject, a referrer) is another object of this repository.
	return (d) => map.get(d) ?? digestPermalink(ref, d as never);
}
