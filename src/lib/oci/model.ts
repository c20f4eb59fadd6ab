/**
 * The typed values the inspection core produces. Everything here has already been parsed from
 * untrusted JSON (see manifest.ts, config.ts) and, where it came from a registry, verified
 * (see verify.ts). Field names follow the OCI specs so the raw JSON and the model read alike.
 */

/** A digest string that passed the grammar check: `algorithm:encoded`. */
export type Digest = string & { readonly __brand: 'Digest' };

/** A normalized image reference (see reference.ts). */
export interface Reference {
	/** The registry as people write it: `docker.io`, `ghcr.io`, `localhost:5000`. */
	readonly registry: string;
	/** Repository path, lowercase: `library/alpine`. */
	readonly repository: string;
	readonly tag?: string;
	readonly digest?: Digest;
}

export interface Platform {
	os: string;
	architecture: string;
	variant?: string;
	'os.version'?: string;
	'os.features'?: string[];
	features?: string[];
}

export interface Descriptor {
	mediaType: string;
	digest: Digest;
	size: number;
	urls?: string[];
	annotations?: Record<string, string>;
	data?: string;
	artifactType?: string;
	platform?: Platform;
}

export interface ImageManifest {
	kind: 'image';
	mediaType: string;
	schemaVersion: 2;
	artifactType?: string;
	config: Descriptor;
	layers: Descriptor[];
	subject?: Descriptor;
	annotations?: Record<string, string>;
}

export interface IndexManifest {
	kind: 'index';
	mediaType: string;
	schemaVersion: 2;
	artifactType?: string;
	manifests: Descriptor[];
	subject?: Descriptor;
	annotations?: Record<string, string>;
}

export type Manifest = ImageManifest | IndexManifest;

export interface HistoryEntry {
	created?: string;
	created_by?: string;
	author?: string;
	comment?: string;
	empty_layer?: boolean;
}

/** The runtime part of an image config (`config` in the JSON). */
export interface ContainerConfig {
	User?: string;
	ExposedPorts?: Record<string, object>;
	Env?: string[];
	Entrypoint?: string[];
	Cmd?: string[];
	Volumes?: Record<string, object>;
	WorkingDir?: string;
	Labels?: Record<string, string>;
	StopSignal?: string;
	ArgsEscaped?: boolean;
	Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number };
	Shell?: string[];
	OnBuild?: string[];
}

export interface ImageConfig {
	created?: string;
	author?: string;
	architecture: string;
	os: string;
	variant?: string;
	'os.version'?: string;
	'os.features'?: string[];
	config: ContainerConfig;
	rootfs: { type: string; diff_ids: Digest[] };
	history: HistoryEntry[];
	/** Docker-only: the daemon version that built the image; '' for other builders. */
	docker_version?: string;
}

/** What a registry sent for one object, before any check. */
export interface UntrustedObject {
	bytes: Uint8Array;
	/** Content-Type as sent (parameters included), or null. */
	contentType: string | null;
	/** Docker-Content-Digest as sent, or null. A hint only. */
	dockerContentDigest: string | null;
}

/**
 * Why a computed digest is trusted:
 * - `pinned`: equals the digest in the reference the user gave;
 * - `parent`: equals the digest (and size) in the verified descriptor that named it;
 * - `unpinned`: fetched by tag, nothing to compare with; this is what the tag resolved to now.
 */
export type VerificationBasis = 'pinned' | 'parent' | 'unpinned';

export interface Verification {
	basis: VerificationBasis;
	/** Digest computed from the exact bytes received. Always the one reported. */
	digest: Digest;
	/** The digest it was checked against (absent for `unpinned`). */
	expected?: Digest;
	size: number;
	/** Docker-Content-Digest as the registry sent it, or null when absent. */
	headerDigest: string | null;
	/** true/false when the header was present and comparable, null when absent or of another algorithm. */
	headerAgrees: boolean | null;
}

/** A manifest with the proof of its check and the exact bytes it was parsed from. */
export interface VerifiedManifest<M extends Manifest = Manifest> {
	verification: Verification;
	manifest: M;
	bytes: Uint8Array;
	/** Media type after classification (header, else sniffed from the body). */
	mediaType: string;
	/** true when the Content-Type was missing or generic and the type came from the body. */
	sniffed: boolean;
}

export interface VerifiedConfig {
	verification: Verification;
	config: ImageConfig;
	bytes: Uint8Array;
}

/** One entry of an index, as the platform picker shows it. */
export interface PlatformEntry {
	descriptor: Descriptor;
	/** Normalized `os/arch[/variant]`, or `unknown/unknown` / `unspecified`. */
	label: string;
	platform?: Platform;
	/** BuildKit attestation manifest (`unknown/unknown` with vnd.docker.reference.type). */
	attestation: boolean;
	/** For an attestation: the digest of the image it describes. */
	attests?: Digest;
	/** A nested index rather than an image. */
	nestedIndex: boolean;
}

/** One row of the history/layer timeline. */
export interface TimelineRow {
	history?: HistoryEntry;
	layer?: Descriptor;
	diffId?: Digest;
	/** Index into manifest.layers, when this row has a layer. */
	layerIndex?: number;
}

export interface Timeline {
	rows: TimelineRow[];
	/** true when history, layers and diff_ids line up; false → rows are listed unpaired. */
	aligned: boolean;
	/** Why they don't line up, for people. */
	problem?: string;
}

export interface Inspection {
	reference: Reference;
	/** The top-level object when the reference named an index or manifest list. */
	index?: VerifiedManifest<IndexManifest>;
	platforms: PlatformEntry[];
	/** The platform that was chosen from the index (absent for a single-platform image). */
	chosen?: PlatformEntry;
	manifest: VerifiedManifest<ImageManifest>;
	/** null for artifacts whose config is not an image config (the manifest is still shown). */
	config: VerifiedConfig | null;
	timeline: Timeline;
	/** Sum of the compressed layer sizes in the manifest. */
	totalLayerSize: number;
	warnings: string[];
}
