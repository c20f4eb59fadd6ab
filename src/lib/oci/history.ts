/**
 * Pairs the config's history with the manifest's layers and the config's diff_ids
 * (history entries without `empty_layer` create the layers, in order). Pairing is only done when the counts add up; otherwise everything is
 * listed unpaired, because a wrong pairing would attribute a layer to the wrong build step.
 */
import type { ImageConfig, ImageManifest, Schema1Manifest, Timeline, TimelineRow } from './model';
import { GZIPPED_EMPTY_LAYER } from './schema1-marks';
import { plural } from './text';

/**
 * Sum of the compressed layer sizes a manifest lists, or null for schema1 (it records no sizes).
 * Pulls of shared base layers are not deduplicated: this is what the manifest references.
 */
export function totalLayerSize(manifest: ImageManifest): number;
export function totalLayerSize(manifest: ImageManifest | Schema1Manifest): number | null;
export function totalLayerSize(manifest: ImageManifest | Schema1Manifest): number | null {
	if (manifest.kind === 'schema1') return null;
	return manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
}

/**
 * A row whose layer changes no files: its build step says `empty_layer`, or (older schema1 images,
 * from before `throwaway`) the blob is the well-known gzip of an empty tar.
 */
export function isEmptyLayer(row: TimelineRow): boolean {
	return row.history?.empty_layer === true || row.layer?.digest === GZIPPED_EMPTY_LAYER;
}

function layerRows(manifest: ImageManifest, config: ImageConfig | null): TimelineRow[] {
	const diffIds = config?.rootfs.diff_ids ?? [];
	// Layers and diff_ids are both base-first, so they pair by position when their counts agree.
	const paired = diffIds.length === manifest.layers.length;
	const rows: TimelineRow[] = manifest.layers.map((layer, layerIndex) => {
		const diffId = paired ? diffIds[layerIndex] : undefined;
		return diffId ? { layer, layerIndex, diffId } : { layer, layerIndex };
	});
	if (!paired) rows.push(...diffIds.map((diffId) => ({ diffId })));
	return rows;
}

function describeMismatch(creating: number, layers: number, diffIds: number, history: number): string {
	if (history === 0) {
		return `The image config has no history, so its ${plural(layers, 'layer', 'layers')} cannot be matched with build steps.`;
	}
	return (
		`The image config lists ${plural(creating, 'history entry', 'history entries')} that ${creating === 1 ? 'creates' : 'create'} layers, ` +
		`but the manifest has ${plural(layers, 'layer', 'layers')} and the config ${plural(diffIds, 'diff_id', 'diff_ids')}; ` +
		'history and layers are listed separately.'
	);
}

/** The history ↔ layer table. `config` is null for artifacts: the rows are just the layers. */
export function buildTimeline(manifest: ImageManifest, config: ImageConfig | null): Timeline {
	if (config === null) return { rows: layerRows(manifest, null), aligned: true };

	const { history } = config;
	const diffIds = config.rootfs.diff_ids;
	const creating = history.filter((h) => h.empty_layer !== true).length;
	const layers = manifest.layers.length;
	if (creating !== layers || diffIds.length !== layers) {
		return {
			rows: [...history.map((entry) => ({ history: entry })), ...layerRows(manifest, config)],
			aligned: false,
			problem: describeMismatch(creating, layers, diffIds.length, history.length)
		};
	}

	let next = 0;
	const rows = history.map((entry): TimelineRow => {
		if (entry.empty_layer === true) return { history: entry };
		const layerIndex = next++;
		const layer = manifest.layers[layerIndex];
		const diffId = diffIds[layerIndex];
		// Both exist: the counts were checked above.
		return layer && diffId ? { history: entry, layer, diffId, layerIndex } : { history: entry };
	});
	return { rows, aligned: true };
}
