/**
 * Two verified inspections compared: at a glance (same digest, manifest, config, layers), then layers,
 * build steps, config keys and, for two indexes, platform sets. Only verified values go in (an
 * Inspection is built from verified objects only), so every difference shown is a real one.
 */
import type { Digest, HistoryEntry, ImageConfig, Inspection } from '../model';
import { compareConfig, type ConfigChange } from './config';
import { compareHistory, type HistoryRow } from './history';
import { compareLayers, type LayerComparison, type LayerInfo } from './layers';
import { comparePlatforms, type PlatformComparison } from './platforms';

export interface Identical {
	/** The references resolved to the same top-level object (index or manifest). */
	digest: boolean;
	/** The image manifests compared (the chosen platform's, for an index) are the same. */
	manifest: boolean;
	/** Same config blob (schema1: same synthesized config). */
	config: boolean;
	/** Same layer digests in the same order. */
	layers: boolean;
	/** Same layer contents in the same order: equal digests or, where recompressed, equal diff_ids. */
	layerContent: boolean;
}

export interface Comparison {
	identical: Identical;
	layers: LayerComparison;
	history: HistoryRow[];
	config: ConfigChange[];
	/** Both sides are indexes: their platform sets. */
	platforms: PlatformComparison | null;
}

/** The image config of either format (schema1's is synthesized from its manifest); null for artifacts. */
export function imageConfigOf(i: Inspection): ImageConfig | null {
	return i.format === 'schema1' ? i.image : (i.config?.config ?? null);
}

/** The layers with their diff_ids, paired by position only when the counts agree (as in history.ts). */
export function layersOf(i: Inspection): LayerInfo[] {
	if (i.format === 'schema1') {
		return i.manifest.manifest.layers.map((l, index) => ({ digest: l.digest, size: null, mediaType: '', index }));
	}
	const layers = i.manifest.manifest.layers;
	const diffIds = i.config?.config.rootfs.diff_ids ?? [];
	const paired = diffIds.length === layers.length;
	return layers.map((l, index) => {
		const info: LayerInfo = { digest: l.digest, size: l.size, mediaType: l.mediaType, index };
		const diffId = paired ? diffIds[index] : undefined;
		if (diffId) info.diffId = diffId;
		return info;
	});
}

function historyOf(i: Inspection): HistoryEntry[] {
	return imageConfigOf(i)?.history ?? [];
}

/** The config's identity: the blob digest, or for schema1 (no blob) the manifest it is synthesized from. */
function configIdentity(i: Inspection): Digest | string {
	return i.format === 'schema1' ? `schema1:${i.manifest.verification.digest}` : i.manifest.manifest.config.digest;
}

export function compareInspections(a: Inspection, b: Inspection): Comparison {
	const layers = compareLayers(layersOf(a), layersOf(b));
	const top = (i: Inspection) => (i.index ?? i.manifest).verification.digest;
	return {
		identical: {
			digest: top(a) === top(b),
			manifest: a.manifest.verification.digest === b.manifest.verification.digest,
			config: configIdentity(a) === configIdentity(b),
			layers: layers.sameLayers && layers.rows.every((r) => r.matchedBy === 'digest'),
			layerContent: layers.sameLayers
		},
		layers,
		history: compareHistory(historyOf(a), historyOf(b)),
		config: compareConfig(imageConfigOf(a), imageConfigOf(b)),
		platforms: a.index && b.index ? comparePlatforms(a.platforms, b.platforms) : null
	};
}
