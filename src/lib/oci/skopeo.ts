/**
 * The JSON `skopeo inspect` prints, built from an Inspection, with skopeo's meanings: `Digest` is
 * the top-level digest (the index's for a multi-platform image, skopeo #1554), everything else
 * describes the chosen platform's image. Absent values are null or '' exactly where skopeo's are.
 * The extras after `Env` are regscope's own and answer what skopeo's users keep asking for.
 */
import type { Inspection } from './model';
import { repositoryName } from './reference';

export interface SkopeoLayer {
	MIMEType: string;
	Digest: string;
	Size: number;
	Annotations: Record<string, string> | null;
}

export interface SkopeoPlatform {
	Platform: string;
	Digest: string;
	MediaType: string;
	Size: number;
	Attestation: boolean;
}

export interface SkopeoHistoryRow {
	Created: string | null;
	CreatedBy: string | null;
	Comment: string | null;
	EmptyLayer: boolean;
	/** Compressed layer digest, or null for a metadata-only step (or an unpaired row). */
	Layer: string | null;
	Size: number | null;
	DiffID: string | null;
}

export interface SkopeoInspect {
	Name: string;
	Digest: string;
	RepoTags: string[];
	Created: string | null;
	DockerVersion: string;
	Labels: Record<string, string> | null;
	Architecture: string;
	Os: string;
	Layers: string[];
	LayersData: SkopeoLayer[];
	Env: string[] | null;
	/** From the config; '' when absent. */
	Variant: string;
	/** From the config (Windows); '' when absent. */
	OsVersion: string;
	/** Media type of the top-level object, the one `Digest` names. */
	MediaType: string;
	/** Digest of the chosen image manifest (equals `Digest` for a single-platform image). */
	ManifestDigest: string;
	/** Digest of the config blob: the image ID docker shows. */
	ConfigDigest: string;
	/** Every entry of the index, attestations included and marked; [] for a single image. */
	Platforms: SkopeoPlatform[];
	History: SkopeoHistoryRow[];
	/** Whether History pairs build steps with layers (false → listed separately). */
	HistoryAligned: boolean;
	/** Total compressed size of the layers, in bytes. */
	LayersSize: number;
	Warnings: string[];
}

/** `tags` is the repository's tag list, or null when it was not fetched (skopeo --no-tags: []). */
export function toSkopeoInspect(inspection: Inspection, tags: string[] | null): SkopeoInspect {
	const { manifest, config, index, timeline } = inspection;
	const image = config?.config;
	const top = index ?? manifest;
	return {
		Name: repositoryName(inspection.reference),
		Digest: top.verification.digest,
		RepoTags: tags ?? [],
		Created: image?.created ?? null,
		DockerVersion: image?.docker_version ?? '',
		Labels: image?.config.Labels ?? null,
		Architecture: image?.architecture ?? '',
		Os: image?.os ?? '',
		Layers: manifest.manifest.layers.map((l) => l.digest),
		LayersData: manifest.manifest.layers.map((l) => ({
			MIMEType: l.mediaType,
			Digest: l.digest,
			Size: l.size,
			Annotations: l.annotations ?? null
		})),
		Env: image?.config.Env ?? null,
		Variant: image?.variant ?? '',
		OsVersion: image?.['os.version'] ?? '',
		MediaType: top.mediaType,
		ManifestDigest: manifest.verification.digest,
		ConfigDigest: manifest.manifest.config.digest,
		Platforms: inspection.platforms.map((p) => ({
			Platform: p.label,
			Digest: p.descriptor.digest,
			MediaType: p.descriptor.mediaType,
			Size: p.descriptor.size,
			Attestation: p.attestation
		})),
		History: timeline.rows.map((row) => ({
			Created: row.history?.created ?? null,
			CreatedBy: row.history?.created_by ?? null,
			Comment: row.history?.comment ?? null,
			EmptyLayer: row.history?.empty_layer === true,
			Layer: row.layer?.digest ?? null,
			Size: row.layer?.size ?? null,
			DiffID: row.diffId ?? null
		})),
		HistoryAligned: timeline.aligned,
		LayersSize: inspection.totalLayerSize,
		Warnings: inspection.warnings
	};
}
