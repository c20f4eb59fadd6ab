/**
 * The layers of two images side by side. A layer is the same on both sides when its compressed digest
 * is equal, or when its diff_id (the digest of the uncompressed tar) is: a layer recompressed at another
 * gzip level, or pushed as zstd, has another digest but the same content.
 */
import type { Digest } from '../model';
import { align, type Aligned } from './align';

/** One layer as a comparison needs it. `size` is null when the manifest records none (schema1). */
export interface LayerInfo {
	digest: Digest;
	size: number | null;
	mediaType: string;
	/** The config's diff_id for this layer, when the config lists them and the counts agree. */
	diffId?: Digest;
	/** Position in the manifest, base first. */
	index: number;
}

export type LayerSide = 'both' | 'a' | 'b';

export interface LayerRow {
	side: LayerSide;
	a?: LayerInfo;
	b?: LayerInfo;
	/** For `both`: equal compressed digests, or only equal diff_ids (recompressed). */
	matchedBy?: 'digest' | 'diff_id';
	/** For `both`: found at another position on the other side (the order changed). */
	moved?: boolean;
}

export interface LayerComparison {
	/** Every layer, in order, shared ones paired. */
	rows: LayerRow[];
	/** Rows per side: how many layers are shared, only in A, only in B. */
	shared: number;
	onlyA: number;
	onlyB: number;
	/** Total compressed sizes (null when a side's sizes are unknown), and B minus A. */
	sizeA: number | null;
	sizeB: number | null;
	delta: number | null;
	/** Compressed bytes of the layers only in A / only in B (null when unknown). */
	onlyASize: number | null;
	onlyBSize: number | null;
	/** Same layers in the same order (digests may differ where recompressed). */
	sameLayers: boolean;
}

/** Above this many layers per side the quadratic alignment is skipped (the OCI limit is far below). */
export const MAX_ALIGNED_LAYERS = 1000;

function matchOf(x: LayerInfo, y: LayerInfo): 'digest' | 'diff_id' | null {
	if (x.digest === y.digest) return 'digest';
	if (x.diffId !== undefined && x.diffId === y.diffId) return 'diff_id';
	return null;
}

function sum(layers: readonly LayerInfo[]): number | null {
	let n = 0;
	for (const l of layers) {
		if (l.size === null) return null;
		n += l.size;
	}
	return n;
}

function both(a: LayerInfo, b: LayerInfo, moved = false): LayerRow {
	const row: LayerRow = { side: 'both', a, b, matchedBy: matchOf(a, b) ?? 'digest' };
	if (moved) row.moved = true;
	return row;
}

/**
 * Aligns the layers in order; a layer that is on both sides but at other positions (a reordered build)
 * is then paired where it appears in A and marked `moved`, so Shared/OnlyA/OnlyB say what each image has.
 */
export function compareLayers(a: readonly LayerInfo[], b: readonly LayerInfo[]): LayerComparison {
	const aligned: Aligned<LayerInfo>[] =
		a.length <= MAX_ALIGNED_LAYERS && b.length <= MAX_ALIGNED_LAYERS
			? align(a, b, (x, y) => matchOf(x, y) !== null)
			: [...a.map((x) => ({ a: x })), ...b.map((y) => ({ b: y }))];
	const leftoverB = aligned.flatMap((r) => (r.a === undefined && r.b ? [r.b] : []));
	const claimed = new Set<LayerInfo>();
	const rows: LayerRow[] = [];
	for (const r of aligned) {
		if (r.a && r.b) {
			rows.push(both(r.a, r.b));
		} else if (r.a) {
			const x = r.a;
			const y = leftoverB.find((c) => !claimed.has(c) && matchOf(x, c) !== null);
			if (y) claimed.add(y);
			rows.push(y ? both(x, y, true) : { side: 'a', a: x });
		} else if (r.b && !claimed.has(r.b)) {
			rows.push({ side: 'b', b: r.b });
		}
	}
	// A moved B layer may have been listed before the A row that claimed it; it is dropped above only
	// when it came after, so remove any that remain.
	const kept = rows.filter((r) => !(r.side === 'b' && r.b && claimed.has(r.b)));
	const only = (side: LayerSide) => kept.filter((r) => r.side === side).map((r) => (side === 'a' ? r.a! : r.b!));
	const sizeA = sum(a);
	const sizeB = sum(b);
	return {
		rows: kept,
		shared: kept.filter((r) => r.side === 'both').length,
		onlyA: only('a').length,
		onlyB: only('b').length,
		sizeA,
		sizeB,
		delta: sizeA === null || sizeB === null ? null : sizeB - sizeA,
		onlyASize: sum(only('a')),
		onlyBSize: sum(only('b')),
		sameLayers: a.length === b.length && kept.every((r) => r.side === 'both' && !r.moved)
	};
}
