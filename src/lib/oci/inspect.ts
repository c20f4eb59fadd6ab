/**
 * One inspection, as `skopeo inspect` does it but with every object verified: the top manifest
 * (pinned by the reference's digest, or unpinned by tag), the chosen platform's manifest (against
 * the index entry), the config blob (against the manifest's config descriptor). Nothing reaches
 * the Inspection without passing verify.ts.
 */
import { shortDigest } from './digest';
import { RegscopeError } from './errors';
import { buildTimeline, totalLayerSize } from './history';
import { describeMediaType, isImageConfigType } from './media-types';
import type {
	AnyInspection,
	Descriptor,
	ImageManifest,
	IndexManifest,
	Inspection,
	NestedLevel,
	Platform,
	PlatformEntry,
	Reference,
	Schema1Manifest,
	UntrustedObject,
	VerifiedConfig,
	VerifiedManifest
} from './model';
import { DEFAULT_PLATFORM, choosePlatform, hasPlatforms, noMatchingPlatform, parsePlatform, platformEntries } from './platform';
import { targetOf } from './reference';
import { plural } from './text';
import { isKind, verifyConfig, verifyManifest } from './verify';

/** Where the bytes come from, bound to one repository (server transport or browser proxy). */
export interface RegistrySource {
	/** The manifest tagged `target`, or with digest `target`. */
	manifest(target: string): Promise<UntrustedObject>;
	blob(descriptor: Descriptor): Promise<UntrustedObject>;
}

/** The manifests verified so far, reported before the config is fetched (the page shows them early). */
export interface InspectProgress {
	top: VerifiedManifest;
	index?: VerifiedManifest<IndexManifest>;
	platforms: PlatformEntry[];
	chosen?: PlatformEntry;
	image?: VerifiedManifest<ImageManifest | Schema1Manifest>;
}

export interface InspectOptions {
	/** `os/arch[/variant]`; default linux/amd64, like skopeo on an amd64 host. */
	platform?: string;
	/** Called with verified manifests only, as each is checked; the final answer is still what inspect returns. */
	onProgress?: (progress: InspectProgress) => void;
}

/** Indexes of indexes are followed this deep, no deeper: each level costs a request, and nothing else bounds it. */
export const MAX_INDEX_DEPTH = 4;

function headerWarnings(what: string, verified: VerifiedManifest): string[] {
	const { basis, digest, headerDigest, headerAgrees } = verified.verification;
	if (headerDigest === null) {
		return [`The registry sent no Docker-Content-Digest for the ${what}; the digest shown was computed from the bytes received.`];
	}
	if (headerAgrees === false) {
		const trust =
			basis === 'unpinned'
				? 'regscope shows the digest it computed; pin the reference to that digest to be sure of what you inspect.'
				: 'the content matched the expected digest, so the header is wrong, not the content.';
		return [
			`The registry's Docker-Content-Digest for the ${what} (${headerDigest}) does not match the bytes it sent (${digest}); ${trust}`
		];
	}
	if (headerAgrees === null) {
		return [
			`The registry's Docker-Content-Digest for the ${what} (${headerDigest}) uses an algorithm regscope cannot compute, so it was not compared.`
		];
	}
	return [];
}

function sniffWarnings(what: string, verified: VerifiedManifest): string[] {
	return verified.sniffed
		? [
				`The registry did not send a manifest Content-Type for the ${what}; regscope recognised it from its content as ${describeMediaType(verified.mediaType)}.`
			]
		: [];
}

function foreignLayerWarnings(manifest: ImageManifest): string[] {
	return manifest.layers.flatMap((layer, i) =>
		layer.urls && layer.urls.length > 0
			? [
					`Layer ${i + 1} (${shortDigest(layer.digest)}) is a foreign layer served from ${layer.urls.join(', ')}; the URLs are shown but never fetched.`
				]
			: []
	);
}

/** What a schema1 image needs said: duplicate entries dropped, signatures that did not verify. */
function schema1Warnings(manifest: Schema1Manifest): string[] {
	const out: string[] = [];
	if (manifest.droppedDuplicates > 0) {
		out.push(
			`${plural(manifest.droppedDuplicates, 'history entry repeats', 'history entries repeat')} the v1 id of the entry below; the newer ${manifest.droppedDuplicates === 1 ? 'one was' : 'ones were'} dropped together with ${manifest.droppedDuplicates === 1 ? 'its layer' : 'their layers'}, as skopeo does.`
		);
	}
	manifest.signatures.forEach((s, i) => {
		if (s.status === 'valid') return;
		const key = s.keyId ? `, key ${s.keyId}` : '';
		const what = s.status === 'invalid' ? 'is invalid' : 'could not be checked';
		out.push(
			`Signature ${i + 1} of the schema1 manifest (${s.alg || 'no alg'}${key}) ${what}: ${s.reason ?? 'no reason given'}. The digest check, not the signature, is what guarantees the content.`
		);
	});
	return out;
}

async function fetchChild(source: RegistrySource, entry: PlatformEntry, warnings: string[]): Promise<VerifiedManifest> {
	const { descriptor, label } = entry;
	const what = `${label} manifest`;
	const child = await verifyManifest(await source.manifest(descriptor.digest), {
		basis: 'parent',
		digest: descriptor.digest,
		size: descriptor.size
	});
	warnings.push(...headerWarnings(what, child), ...sniffWarnings(what, child));
	if (child.mediaType !== descriptor.mediaType) {
		warnings.push(
			`The index entry for ${label} says ${describeMediaType(descriptor.mediaType)}, but the registry served ${describeMediaType(child.mediaType)}.`
		);
	}
	return child;
}

async function fetchConfig(source: RegistrySource, manifest: ImageManifest, warnings: string[]): Promise<VerifiedConfig | null> {
	const descriptor = manifest.config;
	if (!isImageConfigType(descriptor.mediaType)) {
		warnings.push(`artifact: config type ${descriptor.mediaType} is not an image config, so it was not parsed.`);
		return null;
	}
	const config = await verifyConfig(await source.blob(descriptor), descriptor);
	const missing = config.config.missing ?? [];
	if (missing.length > 0) {
		warnings.push(
			`The config has no ${missing.join(', ')} (it is ${config.bytes.length <= 2 ? 'empty, as tools write it for artifacts' : 'incomplete'}); ${missing.length === 1 ? 'it is' : 'they are'} shown empty, as skopeo shows ${missing.length === 1 ? 'it' : 'them'}.`
		);
	}
	return config;
}

/**
 * Inspects the image `ref` names. An index without any platform to choose is NO_MATCHING_PLATFORM
 * listing its entries; `inspectAny` answers it instead.
 */
export async function inspect(source: RegistrySource, ref: Reference, options: InspectOptions = {}): Promise<Inspection> {
	const inspection = await inspectAny(source, ref, options);
	if (inspection.format !== 'index') return inspection;
	throw noMatchingPlatform(inspection.platforms, DEFAULT_PLATFORM);
}

/**
 * Inspects `ref` through `source`: an image, or (when the top index has no entry with a platform and
 * none was asked for) the index itself. Throws RegscopeError (DIGEST_MISMATCH, NO_MATCHING_PLATFORM,
 * INVALID_MANIFEST, UNSUPPORTED_MEDIA_TYPE…) rather than returning anything unverified.
 */
export async function inspectAny(source: RegistrySource, ref: Reference, options: InspectOptions = {}): Promise<AnyInspection> {
	// Parse the platform before any request, so a typo costs no registry round trip.
	const wanted: Platform | undefined = options.platform === undefined ? undefined : parsePlatform(options.platform);
	const warnings: string[] = [];

	const top = await verifyManifest(
		await source.manifest(targetOf(ref)),
		ref.digest ? { basis: 'pinned', digest: ref.digest } : { basis: 'unpinned' }
	);
	warnings.push(...headerWarnings('manifest', top), ...sniffWarnings('manifest', top));
	if (isKind(top, 'image', 'schema1')) options.onProgress?.({ top, platforms: [], image: top });

	let index: VerifiedManifest<IndexManifest> | undefined;
	let platforms: PlatformEntry[] = [];
	let chosen: PlatformEntry | undefined;
	const nested: NestedLevel[] = [];
	let current: VerifiedManifest = top;
	for (let depth = 0; isKind(current, 'index'); depth++) {
		if (depth === MAX_INDEX_DEPTH) {
			throw new RegscopeError(
				'INVALID_MANIFEST',
				`indexes are nested more than ${MAX_INDEX_DEPTH} levels deep; regscope stops there. Inspect an inner index by its digest instead.`,
				{ depth }
			);
		}
		const level = current;
		const entries = platformEntries(level.manifest);
		if (depth === 0 && wanted === undefined && !hasPlatforms(entries)) {
			// Nothing to choose from: the index itself is what there is to see, each entry by its digest.
			options.onProgress?.({ top, index: level, platforms: entries });
			return {
				format: 'index',
				reference: ref,
				index: level,
				platforms: entries,
				config: null,
				timeline: { rows: [], aligned: true },
				totalLayerSize: null,
				warnings
			};
		}
		const entry = choosePlatform(entries, wanted);
		if (index === undefined) {
			// The top-level index is what the picker shows and what skopeo's Digest names.
			index = level;
			platforms = entries;
			chosen = entry;
			options.onProgress?.({ top, index, platforms });
		} else {
			nested.push({ index: level, platforms: entries, chosen: entry });
		}
		current = await fetchChild(source, entry, warnings);
		if (index && isKind(current, 'image', 'schema1')) options.onProgress?.({ top, index, platforms, chosen, image: current });
	}
	// What either kind of answer holds: the reference, the way through the indexes (only the parts there
	// were) and the warnings, which the steps below still add to.
	const common = {
		reference: ref,
		platforms,
		warnings,
		...(index ? { index } : {}),
		...(chosen ? { chosen } : {}),
		...(nested.length > 0 ? { nested } : {})
	};
	if (isKind(current, 'schema1')) {
		const manifest = current;
		const { schema1Timeline } = await import('./schema1');
		const timeline = schema1Timeline(manifest.manifest);
		warnings.push(...schema1Warnings(manifest.manifest));
		return { format: 'schema1', ...common, manifest, config: null, image: manifest.manifest.image, timeline, totalLayerSize: null };
	}
	if (!isKind(current, 'image')) throw new Error('unreachable: the loop above leaves no index');
	const manifest = current;

	const config = await fetchConfig(source, manifest.manifest, warnings);
	const timeline = buildTimeline(manifest.manifest, config?.config ?? null);
	if (timeline.problem) warnings.push(timeline.problem);
	warnings.push(...foreignLayerWarnings(manifest.manifest));

	return { format: 'image', ...common, manifest, config, timeline, totalLayerSize: totalLayerSize(manifest.manifest) };
}
