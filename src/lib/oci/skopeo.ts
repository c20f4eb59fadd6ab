/**
 * The JSON `skopeo inspect` prints, built from an Inspection, with skopeo's meanings: `Digest` is
 * the top-level digest (the index's for a multi-platform image, skopeo #1554), everything else
 * describes the chosen platform's image. Absent values are null or '' exactly where skopeo's are.
 * The extras after `Env` are regscope's own and answer what skopeo's users keep asking for.
 */
import type { AnyInspection, ImageConfig, PlatformEntry, Schema1Signature } from './model';
import { repositoryName } from './reference';
import { GO_ZERO_TIME } from './schema1';

export interface SkopeoLayer {
	MIMEType: string;
	Digest: string;
	Size: number;
	Annotations: Record<string, string> | null;
}

export interface SkopeoPlatform {
	/** The entry's label (containerd's `os[(version[+features])]/arch[/variant]`), null without a platform. */
	Platform: string | null;
	Digest: string;
	MediaType: string;
	Size: number;
	Attestation: boolean;
}

/** One entry of the top index, as written in it (regscope's extra; skopeo --raw shows the same). */
export interface SkopeoManifestEntry {
	Digest: string;
	MediaType: string;
	Size: number;
	ArtifactType: string | null;
	Annotations: Record<string, string> | null;
	/** The label the page and `?platform=` use (unique within the index). */
	Label: string;
	/** `?platform=<Label>` chooses this entry; otherwise open it by its digest. */
	Selectable: boolean;
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

/** A schema1 JWS signature, as the API reports it. */
export interface SkopeoSignature {
	Algorithm: string;
	KeyID: string | null;
	KeySource: Schema1Signature['keySource'];
	KeyType: string | null;
	Status: Schema1Signature['status'];
	Reason: string | null;
	Time: string | null;
}

export interface SkopeoInspect {
	Name: string;
	/** Only for schema1, and only when the manifest's `tag` is not empty (skopeo's omitempty). */
	Tag?: string;
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
	/** Digest of the chosen image manifest (equals `Digest` for a single-platform image; '' for an index without platforms). */
	ManifestDigest: string;
	/** Digest of the config blob: the image ID docker shows ('' for schema1: it has no config blob). */
	ConfigDigest: string;
	/** Every entry of the index, attestations included and marked; [] for a single image. */
	Platforms: SkopeoPlatform[];
	/** Every entry of the top index as written (absent for a single image). */
	Manifests?: SkopeoManifestEntry[];
	/** Indexes below the top one that were walked through to reach the image, outermost first. */
	NestedIndexes?: { Digest: string; MediaType: string; Chosen: string }[];
	History: SkopeoHistoryRow[];
	/** Whether History pairs build steps with layers (false → listed separately). */
	HistoryAligned: boolean;
	/** Total compressed size of the layers, in bytes (null for schema1: sizes are not recorded). */
	LayersSize: number | null;
	Warnings: string[];
	/** schema1 only: the manifest format is the deprecated Docker schema1. */
	Schema1?: true;
	/** schema1 only: every JWS signature with its libtrust key ID and whether it verified. */
	Signatures?: SkopeoSignature[];
}

function manifestEntry(e: PlatformEntry): SkopeoManifestEntry {
	const d = e.descriptor;
	return {
		Digest: d.digest,
		MediaType: d.mediaType,
		Size: d.size,
		ArtifactType: d.artifactType ?? null,
		Annotations: d.annotations ?? null,
		Label: e.label,
		Selectable: e.selectable
	};
}

/**
 * `tags` is the repository's tag list, or null when it was not fetched (skopeo --no-tags: []). An index
 * without platforms (skopeo refuses it) answers with its own Digest and MediaType, its entries in
 * `Manifests`, and the image fields empty.
 */
export function toSkopeoInspect(inspection: AnyInspection, tags: string[] | null): SkopeoInspect {
	const { index, timeline } = inspection;
	const manifest = inspection.format === 'index' ? null : inspection.manifest;
	const schema1 = inspection.format === 'schema1' ? inspection.manifest.manifest : null;
	const image: ImageConfig | undefined = inspection.format === 'schema1' ? inspection.image : (inspection.config?.config ?? undefined);
	const top = inspection.format === 'index' ? inspection.index : (index ?? inspection.manifest);
	const out: SkopeoInspect = {
		Name: repositoryName(inspection.reference),
		...(schema1 && schema1.tag !== '' ? { Tag: schema1.tag } : {}),
		Digest: top.verification.digest,
		RepoTags: tags ?? [],
		// containers/image reads schema1's created into a Go time: absent prints as the zero time.
		Created: image?.created ?? (schema1 ? GO_ZERO_TIME : null),
		DockerVersion: image?.docker_version ?? '',
		Labels: image?.config.Labels ?? null,
		Architecture: image?.architecture ?? '',
		Os: image?.os ?? '',
		Layers: manifest ? manifest.manifest.layers.map((l) => l.digest) : [],
		LayersData:
			inspection.format === 'schema1'
				? inspection.manifest.manifest.layers.map((l) => ({ MIMEType: '', Digest: l.digest, Size: -1, Annotations: null }))
				: inspection.format === 'image'
					? inspection.manifest.manifest.layers.map((l) => ({
							MIMEType: l.mediaType,
							Digest: l.digest,
							Size: l.size,
							Annotations: l.annotations ?? null
						}))
					: [],
		Env: image?.config.Env ?? null,
		Variant: image?.variant ?? '',
		OsVersion: image?.['os.version'] ?? '',
		MediaType: top.mediaType,
		ManifestDigest: manifest ? manifest.verification.digest : '',
		ConfigDigest: inspection.format === 'image' ? inspection.manifest.manifest.config.digest : '',
		Platforms: inspection.platforms.map((p) => ({
			Platform: p.platform ? p.label : null,
			Digest: p.descriptor.digest,
			MediaType: p.descriptor.mediaType,
			Size: p.descriptor.size,
			Attestation: p.attestation
		})),
		...(index ? { Manifests: inspection.platforms.map(manifestEntry) } : {}),
		...(inspection.nested
			? {
					NestedIndexes: inspection.nested.map((n) => ({
						Digest: n.index.verification.digest,
						MediaType: n.index.mediaType,
						Chosen: n.chosen.label
					}))
				}
			: {}),
		History: timeline.rows.map((row) => ({
			Created: row.history?.created ?? null,
			CreatedBy: row.history?.created_by ?? null,
			Comment: row.history?.comment ?? null,
			EmptyLayer: row.history?.empty_layer === true,
			Layer: row.layer?.digest ?? null,
			Size: row.layer && row.layer.size >= 0 ? row.layer.size : null,
			DiffID: row.diffId ?? null
		})),
		HistoryAligned: timeline.aligned,
		LayersSize: inspection.totalLayerSize,
		Warnings: inspection.warnings
	};
	if (schema1) {
		out.Schema1 = true;
		out.Signatures = schema1.signatures.map((s) => ({
			Algorithm: s.alg,
			KeyID: s.keyId ?? null,
			KeySource: s.keySource,
			KeyType: s.keyType ?? null,
			Status: s.status,
			Reason: s.reason ?? null,
			Time: s.time ?? null
		}));
	}
	return out;
}
