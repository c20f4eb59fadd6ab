/**
 * The referrers answer (`GET /api/referrers`), shared by the server that discovers referrers and the
 * page that shows them, and the pure parts of discovery: tag names and what a referrer manifest says.
 */
import type { Descriptor, ImageManifest, IndexManifest } from '../model';
import { artifactTypeOf, classifyReferrer, layerPredicate, type Kind } from './kinds';

export type Source = 'referrers-api' | 'fallback-tag' | 'cosign-tag' | 'buildx';

export interface ReferrerDocument {
	MediaType: string;
	Digest: string;
	Size: number;
	PredicateType?: string;
	Annotations?: Record<string, string>;
}

export interface Referrer {
	Digest: string;
	MediaType: string;
	Size: number;
	ArtifactType?: string;
	Annotations?: Record<string, string>;
	Kind: Kind;
	Source: Source;
	/** The tag it was found under (fallback index, cosign tag). */
	Tag?: string;
	/** The digest it says it describes (`subject`, `vnd.docker.reference.digest`, or the cosign tag's digest). */
	Describes?: string;
	/** The layers of a manifest referrer: the documents to read. */
	Documents: ReferrerDocument[];
	/** Why it does not belong to the subject, or could not be read. */
	Problem?: string;
}

export interface DiscoveryStep {
	Path: Source;
	/** For people: "not supported by this registry (404)", "2 referrers"… */
	Result: string;
	Found: number;
}

export interface ReferrersReport {
	/** The digest the referrers were looked up for. */
	Subject: string;
	Reference: string;
	Platform?: string;
	Referrers: Referrer[];
	Discovery: DiscoveryStep[];
}

/**
 * The referrers tag schema (distribution-spec): algorithm cut to 32 characters, `-`, encoded part cut
 * to 64, characters a tag cannot hold replaced by `-`.
 */
export function fallbackTag(digest: string): string {
	const colon = digest.indexOf(':');
	const clean = (s: string) => s.replace(/[^a-zA-Z0-9_.-]/g, '-');
	return `${clean(digest.slice(0, colon).slice(0, 32))}-${clean(digest.slice(colon + 1).slice(0, 64))}`;
}

export type CosignSuffix = 'sig' | 'att' | 'sbom';
export const COSIGN_SUFFIXES: CosignSuffix[] = ['sig', 'att', 'sbom'];

/** cosign's tag: the digest with `:` → `-`, then `.sig`, `.att` or `.sbom`. */
export function cosignTag(digest: string, suffix: CosignSuffix): string {
	return `${digest.replace(':', '-')}.${suffix}`;
}

/** A count in words: "1 referrer", "3 referrers". */
export function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * A referrer's entry from its verified manifest. `describes` is what the discovery path says it is
 * for; a manifest `subject` that names another digest, or a describes that is not among `belongsTo`,
 * is a Problem.
 */
export function describeReferrer(
	manifest: ImageManifest | IndexManifest,
	descriptor: Descriptor,
	source: Source,
	belongsTo: string[],
	describes?: string
): Referrer {
	const annotations = { ...(manifest.annotations ?? {}), ...(descriptor.annotations ?? {}) };
	const artifactType = descriptor.artifactType ?? artifactTypeOf(manifest);
	const entry: Referrer = {
		Digest: descriptor.digest,
		MediaType: manifest.mediaType,
		Size: descriptor.size,
		Kind: classifyReferrer(manifest, annotations),
		Source: source,
		Documents: (manifest.kind === 'image' ? manifest.layers : []).map((l) => {
			const doc: ReferrerDocument = { MediaType: l.mediaType, Digest: l.digest, Size: l.size };
			const predicate = layerPredicate(l);
			if (predicate) doc.PredicateType = predicate;
			if (l.annotations) doc.Annotations = l.annotations;
			return doc;
		})
	};
	if (artifactType) entry.ArtifactType = artifactType;
	if (Object.keys(annotations).length > 0) entry.Annotations = annotations;
	const claimed = manifest.subject?.digest ?? describes;
	if (claimed) entry.Describes = claimed;
	if (manifest.subject && describes && manifest.subject.digest !== describes) {
		entry.Problem = `its subject is ${manifest.subject.digest}, but it was listed for ${describes}`;
	} else if (claimed && !belongsTo.includes(claimed)) {
		entry.Problem = `it refers to ${claimed}, not to this image`;
	}
	return entry;
}

/** Largest document (payload, attestation, SBOM) read for the page: SBOMs can be tens of MB. */
export const DOCUMENT_MAX_BYTES = 32 * 1024 * 1024;
