import { describe, it, expect } from 'vitest';
import { buildTimeline, isEmptyLayer, totalLayerSize } from './history';
import { OCI_CONFIG, OCI_MANIFEST } from './media-types';
import type { Descriptor, Digest, HistoryEntry, ImageConfig, ImageManifest, Schema1Manifest } from './model';
import { GZIPPED_EMPTY_LAYER } from './schema1';

const D = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const layer = (c: string): Descriptor => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: D(c), size: 10 });

function manifest(...layers: Descriptor[]): ImageManifest {
	return { kind: 'image', mediaType: OCI_MANIFEST, schemaVersion: 2, config: { mediaType: OCI_CONFIG, digest: D('c'), size: 1 }, layers };
}

function config(history: HistoryEntry[], diffIds: Digest[]): ImageConfig {
	return { architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: diffIds }, history };
}

const step = (created_by: string): HistoryEntry => ({ created_by });
const meta = (created_by: string): HistoryEntry => ({ created_by, empty_layer: true });

describe('buildTimeline', () => {
	it('pairs one history entry per layer', () => {
		const t = buildTimeline(manifest(layer('1'), layer('2')), config([step('ADD'), step('RUN')], [D('a'), D('b')]));
		expect(t).toEqual({
			aligned: true,
			rows: [
				{ history: step('ADD'), layer: layer('1'), diffId: D('a'), layerIndex: 0 },
				{ history: step('RUN'), layer: layer('2'), diffId: D('b'), layerIndex: 1 }
			]
		});
	});

	it('skips empty_layer entries when pairing', () => {
		const history = [step('ADD'), meta('ENV A=b'), meta('CMD sh'), step('RUN'), meta('LABEL x=y')];
		const t = buildTimeline(manifest(layer('1'), layer('2')), config(history, [D('a'), D('b')]));
		expect(t.aligned).toBe(true);
		expect(t.rows.map((r) => [r.history?.created_by, r.layer?.digest ?? null, r.diffId ?? null, r.layerIndex ?? null])).toEqual([
			['ADD', D('1'), D('a'), 0],
			['ENV A=b', null, null, null],
			['CMD sh', null, null, null],
			['RUN', D('2'), D('b'), 1],
			['LABEL x=y', null, null, null]
		]);
	});

	it('treats empty_layer: false like a missing flag', () => {
		const t = buildTimeline(manifest(layer('1')), config([{ created_by: 'ADD', empty_layer: false }], [D('a')]));
		expect(t.rows[0]?.layer).toEqual(layer('1'));
	});

	it('lists history and layers separately when there are more layers than steps', () => {
		const t = buildTimeline(
			manifest(layer('1'), layer('2'), layer('3')),
			config([step('ADD'), meta('ENV'), step('RUN')], [D('a'), D('b'), D('c')])
		);
		expect(t.aligned).toBe(false);
		expect(t.problem).toContain('2 history entries that create layers');
		expect(t.problem).toContain('3 layers');
		expect(t.rows).toEqual([
			{ history: step('ADD') },
			{ history: meta('ENV') },
			{ history: step('RUN') },
			{ layer: layer('1'), layerIndex: 0, diffId: D('a') },
			{ layer: layer('2'), layerIndex: 1, diffId: D('b') },
			{ layer: layer('3'), layerIndex: 2, diffId: D('c') }
		]);
		expect(t.rows.some((r) => r.history && r.layer)).toBe(false);
	});

	it('does not pair layers with diff_ids when those counts differ either', () => {
		const t = buildTimeline(manifest(layer('1'), layer('2')), config([step('ADD'), step('RUN')], [D('a')]));
		expect(t.aligned).toBe(false);
		expect(t.problem).toContain('1 diff_id;');
		expect(t.rows).toEqual([
			{ history: step('ADD') },
			{ history: step('RUN') },
			{ layer: layer('1'), layerIndex: 0 },
			{ layer: layer('2'), layerIndex: 1 },
			{ diffId: D('a') }
		]);
	});

	it('flags a config without history', () => {
		const t = buildTimeline(manifest(layer('1')), config([], [D('a')]));
		expect(t.aligned).toBe(false);
		expect(t.problem).toBe('The image config has no history, so its 1 layer cannot be matched with build steps.');
		expect(t.rows).toEqual([{ layer: layer('1'), layerIndex: 0, diffId: D('a') }]);
	});

	it('lists just the layers for an artifact (no config)', () => {
		const t = buildTimeline(manifest(layer('1'), layer('2')), null);
		expect(t).toEqual({
			aligned: true,
			rows: [
				{ layer: layer('1'), layerIndex: 0 },
				{ layer: layer('2'), layerIndex: 1 }
			]
		});
	});

	it('accepts an image with no layers and only metadata steps', () => {
		const t = buildTimeline(manifest(), config([meta('ENV')], []));
		expect(t).toEqual({ aligned: true, rows: [{ history: meta('ENV') }] });
	});
});

describe('empty layers and total size', () => {
	const gz = (c: string, size: number): Descriptor => ({
		mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
		digest: `sha256:${c.repeat(64)}` as Digest,
		size
	});

	it('a row is an empty layer when its step says so, or its blob is the gzip of an empty tar', () => {
		expect(isEmptyLayer({ history: { empty_layer: true } })).toBe(true);
		expect(isEmptyLayer({ layer: { ...gz('a', 32), digest: GZIPPED_EMPTY_LAYER } })).toBe(true);
		expect(isEmptyLayer({ history: { created_by: 'RUN x' }, layer: gz('a', 100) })).toBe(false);
		expect(isEmptyLayer({ history: { empty_layer: false } })).toBe(false);
	});

	it('sums the compressed layer sizes; schema1 has none', () => {
		const manifest: ImageManifest = {
			kind: 'image',
			mediaType: OCI_MANIFEST,
			schemaVersion: 2,
			config: gz('c', 10),
			layers: [gz('a', 100), gz('b', 23)]
		};
		expect(totalLayerSize(manifest)).toBe(123);
		expect(totalLayerSize({ ...manifest, layers: [] })).toBe(0);
		const schema1 = { kind: 'schema1', layers: [] } as unknown as Schema1Manifest;
		expect(totalLayerSize(schema1)).toBeNull();
	});
});
