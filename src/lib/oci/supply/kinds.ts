/**
 * What a referrer is, from its manifest: a signature, an attestation, an SBOM or something else,
 * and what each of its layers holds. Decided from media types, artifact types and annotations only;
 * reading the documents is the job of cosign.ts, dsse.ts and sbom.ts.
 */
import type { Descriptor, ImageManifest, IndexManifest } from '../model';
import { SIMPLE_SIGNING } from './cosign';
import { DSSE_ENVELOPE, IN_TOTO_JSON } from './dsse';

export type Kind = 'signature' | 'attestation' | 'sbom' | 'other';

export type DocumentKind = 'simple-signing' | 'dsse' | 'in-toto' | 'spdx' | 'cyclonedx' | 'sigstore-bundle' | 'notation' | 'other';

export const DOCKER_ATTESTATION_MANIFEST = 'application/vnd.docker.attestation.manifest.v1+json';
export const NOTATION_SIGNATURE = 'application/vnd.cncf.notary.signature';
export const SIGSTORE_BUNDLE_PREFIX = 'application/vnd.dev.sigstore.bundle';
export const PREDICATE_ANNOTATION = 'predicateType';
export const BUILDKIT_PREDICATE_ANNOTATION = 'in-toto.io/predicate-type';

const SBOM_PREDICATES = ['https://spdx.dev/Document', 'https://cyclonedx.org/bom'];

const base = (t: string | undefined) => (t ?? '').split(';')[0]!.trim().toLowerCase();

export function isSbomType(mediaType: string): boolean {
	const t = base(mediaType);
	return t.startsWith('text/spdx') || t === 'application/spdx+json' || t.includes('cyclonedx') || t === 'application/vnd.syft+json';
}

/** The predicate type a layer declares in its annotations (cosign or BuildKit), if any. */
export function layerPredicate(layer: Descriptor): string | undefined {
	const a = layer.annotations ?? {};
	return a[PREDICATE_ANNOTATION] ?? a[BUILDKIT_PREDICATE_ANNOTATION];
}

export function documentKind(layer: Descriptor): DocumentKind {
	const t = base(layer.mediaType);
	if (t === SIMPLE_SIGNING) return 'simple-signing';
	if (t === DSSE_ENVELOPE) return 'dsse';
	if (t === IN_TOTO_JSON) return 'in-toto';
	if (t.startsWith('text/spdx') || t === 'application/spdx+json') return 'spdx';
	if (t.includes('cyclonedx')) return 'cyclonedx';
	if (t.startsWith(SIGSTORE_BUNDLE_PREFIX)) return 'sigstore-bundle';
	if (t === 'application/jose+json' || t === 'application/cose') return 'notation';
	return 'other';
}

/** The artifact type a referrer declares: `artifactType`, else a non-image config media type. */
export function artifactTypeOf(manifest: ImageManifest | IndexManifest): string | undefined {
	if (manifest.artifactType) return manifest.artifactType;
	if (manifest.kind === 'image') return manifest.config.mediaType;
	return undefined;
}

const isSbomPredicate = (p: string | undefined) => p !== undefined && SBOM_PREDICATES.some((s) => p.startsWith(s));

/**
 * Classifies a referrer manifest. An attestation whose every document is an SBOM predicate counts as
 * an SBOM (cosign `attest --type spdxjson`); a BuildKit attestation manifest (SBOM and provenance)
 * stays an attestation with its documents inside.
 */
export function classifyReferrer(manifest: ImageManifest | IndexManifest, annotations: Record<string, string> = {}): Kind {
	const artifact = base(artifactTypeOf(manifest));
	const layers = manifest.kind === 'image' ? manifest.layers : [];
	const docs = layers.map(documentKind);
	if (artifact === NOTATION_SIGNATURE || docs.includes('simple-signing')) return 'signature';
	if (artifact.startsWith(SIGSTORE_BUNDLE_PREFIX)) {
		const a = { ...(manifest.annotations ?? {}), ...annotations };
		// cosign v3 signs images with a DSSE statement of predicate type …/cosign/sign/v1: a signature, not an attestation.
		const signs = (a['dev.sigstore.bundle.predicateType'] ?? '') === 'https://sigstore.dev/cosign/sign/v1';
		return a['dev.sigstore.bundle.content'] === 'dsse-envelope' && !signs ? 'attestation' : 'signature';
	}
	if (isSbomType(artifact) || (docs.length > 0 && docs.every((d) => d === 'spdx' || d === 'cyclonedx'))) return 'sbom';
	const statements = layers.filter((l) => documentKind(l) === 'dsse' || documentKind(l) === 'in-toto');
	if (
		statements.length > 0 ||
		artifact === DOCKER_ATTESTATION_MANIFEST ||
		annotations['vnd.docker.reference.type'] === 'attestation-manifest'
	) {
		if (statements.length > 0 && statements.length === layers.length && statements.every((l) => isSbomPredicate(layerPredicate(l)))) {
			return 'sbom';
		}
		return 'attestation';
	}
	return 'other';
}

const IMAGE_CONFIGS = ['application/vnd.docker.container.image.v1+json', 'application/vnd.oci.image.config.v1+json'];

/**
 * Whether an image manifest is an artifact rather than a runnable image: it declares an artifactType,
 * its config is not an image config, or every layer is a document (signature payload, envelope,
 * statement, SBOM) — cosign's `.sig`/`.att` and BuildKit attestations carry an image config but no filesystem.
 */
export function isArtifactManifest(manifest: ImageManifest): boolean {
	if (manifest.artifactType) return true;
	if (!IMAGE_CONFIGS.includes(base(manifest.config.mediaType))) return true;
	return manifest.layers.length > 0 && manifest.layers.every((l) => documentKind(l) !== 'other');
}
