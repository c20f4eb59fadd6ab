/**
 * The JSON `/api/compare` answers, in the API's PascalCase, built from a Comparison and the two
 * inspections it came from. The page shows the same Comparison, so the two cannot disagree.
 */
import type { HistoryEntry, Inspection } from '../model';
import { formatReference } from '../reference';
import type { Comparison } from './compare';
import { imageConfigOf } from './compare';
import type { ConfigValue } from './config';
import type { HistoryStatus } from './history';
import type { LayerInfo } from './layers';

export interface CompareSideJson {
	Reference: string;
	/** The top-level digest (the index's for a multi-platform image). */
	Digest: string;
	MediaType: string;
	/** The image manifest compared (the chosen platform's for an index). */
	ManifestDigest: string;
	/** '' for schema1, which has no config blob. */
	ConfigDigest: string;
	/** `os/arch[/variant]` of the image compared ('' when unknown). */
	Platform: string;
	Warnings: string[];
}

export interface OnlyLayerJson {
	Digest: string;
	DiffID: string | null;
	Size: number | null;
	MediaType: string;
	Index: number;
}

export interface SharedLayerJson {
	DigestA: string;
	DigestB: string;
	DiffID: string | null;
	SizeA: number | null;
	SizeB: number | null;
	/** `digest`: the same blob; `diff_id`: the same content compressed otherwise. */
	MatchedBy: 'digest' | 'diff_id';
	IndexA: number;
	IndexB: number;
	/** At another position on each side. */
	Moved: boolean;
}

export interface HistoryStepJson {
	Created: string | null;
	CreatedBy: string | null;
	Comment: string | null;
	EmptyLayer: boolean;
}

export interface CompareJson {
	A: CompareSideJson;
	B: CompareSideJson;
	Identical: { Digest: boolean; Manifest: boolean; Config: boolean; Layers: boolean; LayerContent: boolean };
	Layers: {
		Shared: SharedLayerJson[];
		OnlyA: OnlyLayerJson[];
		OnlyB: OnlyLayerJson[];
		SizeA: number | null;
		SizeB: number | null;
		/** SizeB minus SizeA (compressed bytes); null when a side's sizes are unknown (schema1). */
		SizeDelta: number | null;
	};
	Config: { Key: string; A: ConfigValue; B: ConfigValue; Entries?: { Name: string; A: string | null; B: string | null }[] }[];
	History: { Status: HistoryStatus; A: HistoryStepJson | null; B: HistoryStepJson | null }[];
	Platforms: {
		Common: { Platform: string; PlatformB: string; DigestA: string; DigestB: string; Identical: boolean }[];
		OnlyA: { Platform: string; Digest: string }[];
		OnlyB: { Platform: string; Digest: string }[];
	} | null;
}

function side(i: Inspection): CompareSideJson {
	const c = imageConfigOf(i);
	return {
		Reference: formatReference(i.reference),
		Digest: (i.index ?? i.manifest).verification.digest,
		MediaType: (i.index ?? i.manifest).mediaType,
		ManifestDigest: i.manifest.verification.digest,
		ConfigDigest: i.format === 'schema1' ? '' : i.manifest.manifest.config.digest,
		Platform: i.chosen?.label ?? (c ? [c.os, c.architecture, c.variant].filter(Boolean).join('/') : ''),
		Warnings: i.warnings
	};
}

const only = (l: LayerInfo): OnlyLayerJson => ({
	Digest: l.digest,
	DiffID: l.diffId ?? null,
	Size: l.size,
	MediaType: l.mediaType,
	Index: l.index
});

const step = (h: HistoryEntry | undefined): HistoryStepJson | null =>
	h
		? { Created: h.created ?? null, CreatedBy: h.created_by ?? null, Comment: h.comment ?? null, EmptyLayer: h.empty_layer === true }
		: null;

export function toCompareJson(a: Inspection, b: Inspection, c: Comparison): CompareJson {
	const rows = c.layers.rows;
	return {
		A: side(a),
		B: side(b),
		Identical: {
			Digest: c.identical.digest,
			Manifest: c.identical.manifest,
			Config: c.identical.config,
			Layers: c.identical.layers,
			LayerContent: c.identical.layerContent
		},
		Layers: {
			Shared: rows.flatMap((r) =>
				r.side === 'both' && r.a && r.b
					? [
							{
								DigestA: r.a.digest,
								DigestB: r.b.digest,
								DiffID: r.a.diffId ?? r.b.diffId ?? null,
								SizeA: r.a.size,
								SizeB: r.b.size,
								MatchedBy: r.matchedBy ?? 'digest',
								IndexA: r.a.index,
								IndexB: r.b.index,
								Moved: r.moved === true
							}
						]
					: []
			),
			OnlyA: rows.flatMap((r) => (r.side === 'a' && r.a ? [only(r.a)] : [])),
			OnlyB: rows.flatMap((r) => (r.side === 'b' && r.b ? [only(r.b)] : [])),
			SizeA: c.layers.sizeA,
			SizeB: c.layers.sizeB,
			SizeDelta: c.layers.delta
		},
		Config: c.config.map((ch) => ({
			Key: ch.key,
			A: ch.a,
			B: ch.b,
			...(ch.entries ? { Entries: ch.entries.map((e) => ({ Name: e.name, A: e.a ?? null, B: e.b ?? null })) } : {})
		})),
		History: c.history.map((r) => ({ Status: r.status, A: step(r.a), B: step(r.b) })),
		Platforms: c.platforms
			? {
					Common: c.platforms.common.map((p) => ({
						Platform: p.platform,
						PlatformB: p.platformB,
						DigestA: p.digestA,
						DigestB: p.digestB,
						Identical: p.same
					})),
					OnlyA: c.platforms.onlyA.map((p) => ({ Platform: p.platform, Digest: p.digest })),
					OnlyB: c.platforms.onlyB.map((p) => ({ Platform: p.platform, Digest: p.digest }))
				}
			: null
	};
}
