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
	/** Bytes; -1 (UNKNOWN_SIZE in schema1.ts) only in a schema1 timeline row, whose manifest records no sizes. */
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

/**
 * One layer of a Docker schema1 manifest (after fixManifestLayers), base first. The manifest records
 * no size and no media type (the blobs are gzip tars).
 */
export interface Schema1Layer {
	/** `fsLayers[].blobSum`: the compressed blob's digest. */
	digest: Digest;
	/** `throwaway` in v1Compatibility, or (older images) the well-known empty gzip layer. */
	empty: boolean;
	/** Legacy v1 image ID of the entry that made this layer (not a content digest). */
	v1Id: string;
	/** Legacy v1 parent ID (absent for the base). */
	v1Parent?: string;
}

/** How a schema1 JWS signature checked out. A signature proves the envelope, not the publisher. */
export type SignatureStatus = 'valid' | 'invalid' | 'unverifiable';

export interface Schema1Signature {
	/** `alg` from the JWS header, as written (ES256, RS256…). */
	alg: string;
	/** Where the public key came from: the `jwk` header, the first `x5c` certificate, or nowhere. */
	keySource: 'jwk' | 'x5c' | 'none';
	/** `EC P-256`, `RSA 2048`… when the key could be read. */
	keyType?: string;
	/** libtrust key ID computed from the key: 12 groups of 4 base32 characters joined by ':'. */
	keyId?: string;
	/** `kid` as written in the jwk, when present (libtrust requires it to equal keyId). */
	declaredKeyId?: string;
	/** `time` from the protected header (RFC 3339), as signed. */
	time?: string;
	/** Number of certificates in `x5c` (the chain is not checked against any CA: Docker has no root). */
	chainLength?: number;
	status: SignatureStatus;
	/** Why, when not `valid`. */
	reason?: string;
}

/**
 * A Docker Image Manifest V2, Schema 1 (deprecated), converted as containers/image does: layers and
 * history base first, the image config synthesized from the newest v1Compatibility. There is no
 * config blob and no diff_ids.
 */
export interface Schema1Manifest {
	kind: 'schema1';
	/** `…manifest.v1+prettyjws` (signed) or `…manifest.v1+json`. */
	mediaType: string;
	schemaVersion: 1;
	/** `name` and `tag` as written in the manifest (skopeo prints the tag as `Tag`). */
	name: string;
	tag: string;
	/** The manifest's top-level `architecture` (the image's own is in `image`). */
	architecture: string;
	/** blobSums base first, throwaway ones included (as skopeo lists them), duplicates removed. */
	layers: Schema1Layer[];
	/**
	 * The image config as containers/image synthesizes it: created, author, architecture, os,
	 * variant, docker_version and config from the newest v1Compatibility; history from every entry,
	 * base first (created_by = container_config.Cmd joined with ' ', empty_layer = throwaway).
	 * `rootfs.diff_ids` is empty: schema1 does not record them.
	 */
	image: ImageConfig;
	/** The document carried a JWS `signatures` array (the digest is then over the payload). */
	signed: boolean;
	/** Every signature, checked (empty when unsigned). An invalid one is a warning, never an error. */
	signatures: Schema1Signature[];
	/** Entries removed because they repeated the previous entry's v1 ID (newer one dropped, like skopeo). */
	droppedDuplicates: number;
}

export type Manifest = ImageManifest | IndexManifest | Schema1Manifest;

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
	/** Required fields the config lacks (e.g. `{}` written for an artifact), read as empty; warned about. */
	missing?: string[];
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
 * How a computed digest was checked, strongest first:
 * - `pinned`: equals the digest in the reference the user gave;
 * - `parent`: equals the digest (and size) listed by the verified descriptor that named it;
 * - `header`: fetched by tag, nothing of ours to compare with, but the registry's own
 *   Docker-Content-Digest agrees (the registry vouches for itself; still what the tag resolved to now);
 * - `unpinned`: fetched by tag with no agreeing header; only what the tag resolved to now.
 */
export type VerificationBasis = 'pinned' | 'parent' | 'header' | 'unpinned';

export interface Verification {
	basis: VerificationBasis;
	/** Digest computed from the exact bytes received. Always the one reported. */
	digest: Digest;
	/** The digest it was checked against (absent for `header` and `unpinned`). */
	expected?: Digest;
	size: number;
	/** Docker-Content-Digest as the registry sent it, or null when absent. */
	headerDigest: string | null;
	/** true/false when the header was present and comparable, null when absent or of another algorithm. */
	headerAgrees: boolean | null;
}

/**
 * Never exported and never given a value: no module can name this key, so nothing can build a
 * verified value without a cast, and ESLint refuses casts to verified types outside verify.ts.
 */
declare const verifiedBrand: unique symbol;

/** Bytes (or a value) whose size and digest were checked by verify.ts; parsers take nothing else. */
export type Verified<T> = T & { readonly [verifiedBrand]: true };

/** A manifest with the proof of its check and the exact bytes it was parsed from. Made only by verify.ts. */
export interface VerifiedManifest<M extends Manifest = Manifest> {
	readonly [verifiedBrand]: true;
	readonly verification: Verification;
	readonly manifest: M;
	/**
	 * The document exactly as received (what `raw` shows). For a signed schema1 manifest the
	 * `signatures` envelope in it is not covered by the digest: see `payload`.
	 */
	readonly bytes: Uint8Array;
	/**
	 * Signed schema1 only: the reconstructed JWS payload, i.e. the bytes the digest was computed over
	 * and the manifest was parsed from.
	 */
	readonly payload?: Verified<Uint8Array>;
	/** Media type after classification (header, else sniffed from the body). */
	readonly mediaType: string;
	/** true when the Content-Type was missing or generic and the type came from the body. */
	readonly sniffed: boolean;
}

/** A config blob checked against its descriptor, and parsed. Made only by verify.ts. */
export interface VerifiedConfig {
	readonly [verifiedBrand]: true;
	readonly verification: Verification;
	readonly config: ImageConfig;
	readonly bytes: Verified<Uint8Array>;
}

/** One entry of an index, as the platform picker shows it. */
export interface PlatformEntry {
	descriptor: Descriptor;
	/**
	 * Unique within its index: `os[(version[+features])]/arch[/variant]` as containerd writes it, or for
	 * an entry without a platform its ref name, artifact type or media type; repeats get ` (2)`, ` (3)`….
	 */
	label: string;
	platform?: Platform;
	/** BuildKit attestation manifest (`unknown/unknown` with vnd.docker.reference.type). */
	attestation: boolean;
	/** For an attestation: the digest of the image it describes. */
	attests?: Digest;
	/** A nested index rather than an image. */
	nestedIndex: boolean;
	/** `?platform=<label>` chooses exactly this entry (else it is reachable by its digest only). */
	selectable: boolean;
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

/** One index below the top one on the way to the image, and the entry chosen from it. */
export interface NestedLevel {
	index: VerifiedManifest<IndexManifest>;
	platforms: PlatformEntry[];
	chosen: PlatformEntry;
}

interface InspectionBase {
	reference: Reference;
	/** The top-level object when the reference named an index or manifest list. */
	index?: VerifiedManifest<IndexManifest>;
	platforms: PlatformEntry[];
	/** The platform that was chosen from the index (absent for a single-platform image). */
	chosen?: PlatformEntry;
	/** Indexes below the top one that were walked through, each verified against its parent's entry. */
	nested?: NestedLevel[];
	timeline: Timeline;
	warnings: string[];
}

/** A schema2 or OCI image (or artifact). */
export interface ImageInspection extends InspectionBase {
	format: 'image';
	manifest: VerifiedManifest<ImageManifest>;
	/** null for artifacts whose config is not an image config (the manifest is still shown). */
	config: VerifiedConfig | null;
	/** Sum of the compressed layer sizes in the manifest. */
	totalLayerSize: number;
}

/**
 * A Docker schema1 image (deprecated format). Timeline rows pair every history entry with its
 * blobSum (throwaway layers included), with `layer.size` -1 (UNKNOWN_SIZE: not recorded) and no diffId.
 */
export interface Schema1Inspection extends InspectionBase {
	format: 'schema1';
	manifest: VerifiedManifest<Schema1Manifest>;
	/** schema1 has no config blob (and no diff_ids); the config is synthesized into `image`. */
	config: null;
	/** The image config synthesized from v1Compatibility (same object as manifest.manifest.image). */
	image: ImageConfig;
	/** Unknown: schema1 records no layer sizes. */
	totalLayerSize: null;
}

/**
 * An index none of whose entries has a platform (an artifact index, the referrers fallback tag, an
 * index of indexes): nothing to choose, so the index itself is the answer, its entries each
 * reachable by digest. `platforms` lists them all; there is no image, config or timeline of its own.
 */
export interface IndexInspection extends InspectionBase {
	format: 'index';
	index: VerifiedManifest<IndexManifest>;
	config: null;
	totalLayerSize: null;
}

/** An image (what `inspect` answers). */
export type Inspection = ImageInspection | Schema1Inspection;

/** An image, or an index with nothing to choose (what `inspectAny` answers). */
export type AnyInspection = Inspection | IndexInspection;
