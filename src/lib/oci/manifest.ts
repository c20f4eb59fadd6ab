/**
 * Turns verified manifest bytes into the typed model. Every field is read from `unknown` by a
 * reader that names the field when it is wrong, so a bad manifest fails with
 * "manifest field layers[2].size must be a non-negative integer" rather than a crash later.
 */
import { algorithmOf, computeDigest } from './digest';
import { RegscopeError } from './errors';
import { FieldReader, decodeJson, fieldPath } from './fields';
import { DOCKER_SCHEMA1_SIGNED, classifyManifest } from './media-types';
import type { Descriptor, ImageManifest, IndexManifest, Manifest, Platform, Verified } from './model';
import { base64Decode } from './base64';

/** An index can hold many attestations, but not without bound (each entry may cost a request). */
export const MAX_INDEX_ENTRIES = 1000;

const manifestFields = new FieldReader('manifest', 'INVALID_MANIFEST');

function parsePlatformField(value: unknown, path: string): Platform {
	const r = manifestFields;
	const o = r.object(value, path);
	const platform: Platform = {
		architecture: r.string(o.architecture, fieldPath(path, 'architecture')),
		os: r.string(o.os, fieldPath(path, 'os'))
	};
	const variant = r.optionalString(o.variant, fieldPath(path, 'variant'));
	const osVersion = r.optionalString(o['os.version'], fieldPath(path, 'os.version'));
	const osFeatures = r.optionalStringArray(o['os.features'], fieldPath(path, 'os.features'));
	const features = r.optionalStringArray(o.features, fieldPath(path, 'features'));
	if (variant !== undefined) platform.variant = variant;
	if (osVersion !== undefined) platform['os.version'] = osVersion;
	if (osFeatures !== undefined) platform['os.features'] = osFeatures;
	if (features !== undefined) platform.features = features;
	return platform;
}

/** A descriptor with its place in the manifest, to check its embedded `data` afterwards. */
interface Located {
	path: string;
	descriptor: Descriptor;
}

function parseDescriptor(value: unknown, path: string, embedded: Located[]): Descriptor {
	const r = manifestFields;
	const o = r.object(value, path);
	const descriptor: Descriptor = {
		mediaType: r.string(o.mediaType, fieldPath(path, 'mediaType')),
		digest: r.digest(o.digest, fieldPath(path, 'digest')),
		size: r.nonNegativeInteger(o.size, fieldPath(path, 'size'))
	};
	const urls = r.optionalStringArray(o.urls, fieldPath(path, 'urls'));
	const annotations = r.optionalStringMap(o.annotations, fieldPath(path, 'annotations'));
	const data = r.optionalString(o.data, fieldPath(path, 'data'));
	const artifactType = r.optionalString(o.artifactType, fieldPath(path, 'artifactType'));
	if (urls !== undefined) descriptor.urls = urls;
	if (annotations !== undefined) descriptor.annotations = annotations;
	if (artifactType !== undefined) descriptor.artifactType = artifactType;
	if (o.platform != null) descriptor.platform = parsePlatformField(o.platform, fieldPath(path, 'platform'));
	if (data !== undefined) {
		descriptor.data = data;
		embedded.push({ path, descriptor });
	}
	return descriptor;
}

function decodeBase64(s: string, path: string): Uint8Array {
	const bytes = base64Decode(s);
	if (bytes === null) return manifestFields.fail(fieldPath(path, 'data'), 'must be standard base64');
	return bytes;
}

/** image-spec descriptor.md: embedded data MUST match the descriptor's digest and size. */
async function checkEmbeddedData(embedded: Located[]): Promise<void> {
	for (const { path, descriptor } of embedded) {
		const bytes = decodeBase64(descriptor.data ?? '', path);
		if (bytes.length !== descriptor.size) {
			manifestFields.fail(fieldPath(path, 'data'), `holds ${bytes.length} bytes but the descriptor says size ${descriptor.size}`);
		}
		const actual = await computeDigest(bytes, algorithmOf(descriptor.digest));
		if (actual !== descriptor.digest) {
			manifestFields.fail(fieldPath(path, 'data'), `hashes to ${actual}, not to the descriptor's digest ${descriptor.digest}`);
		}
	}
}

function parseSchemaVersion(o: Record<string, unknown>): 2 {
	if (o.schemaVersion !== 2) manifestFields.fail('schemaVersion', 'must be 2');
	return 2;
}

function parseImage(o: Record<string, unknown>, mediaType: string, embedded: Located[]): ImageManifest {
	const r = manifestFields;
	const manifest: ImageManifest = {
		kind: 'image',
		mediaType,
		schemaVersion: parseSchemaVersion(o),
		config: parseDescriptor(o.config, 'config', embedded),
		layers: r.array(o.layers, 'layers').map((l, i) => parseDescriptor(l, fieldPath('layers', i), embedded))
	};
	addCommon(manifest, o, embedded);
	return manifest;
}

function parseIndex(o: Record<string, unknown>, mediaType: string, embedded: Located[]): IndexManifest {
	const entries = manifestFields.array(o.manifests, 'manifests');
	if (entries.length > MAX_INDEX_ENTRIES) {
		throw new RegscopeError(
			'MANIFEST_TOO_LARGE',
			`the index lists ${entries.length} manifests; regscope reads at most ${MAX_INDEX_ENTRIES}`,
			{ entries: entries.length, limit: MAX_INDEX_ENTRIES }
		);
	}
	const index: IndexManifest = {
		kind: 'index',
		mediaType,
		schemaVersion: parseSchemaVersion(o),
		manifests: entries.map((m, i) => parseDescriptor(m, fieldPath('manifests', i), embedded))
	};
	addCommon(index, o, embedded);
	return index;
}

/** Fields image manifests and indexes share. */
function addCommon(target: ImageManifest | IndexManifest, o: Record<string, unknown>, embedded: Located[]): void {
	const r = manifestFields;
	const artifactType = r.optionalString(o.artifactType, 'artifactType');
	const annotations = r.optionalStringMap(o.annotations, 'annotations');
	if (artifactType !== undefined) target.artifactType = artifactType;
	if (annotations !== undefined) target.annotations = annotations;
	if (o.subject != null) target.subject = parseDescriptor(o.subject, 'subject', embedded);
}

export interface ParsedManifest {
	manifest: Manifest;
	/** After classification: the Content-Type when it names a manifest type, else sniffed. */
	mediaType: string;
	sniffed: boolean;
}

/**
 * Parses verified manifest bytes (for a signed schema1 manifest: its verified JWS payload, with
 * `signed` true). Throws INVALID_MANIFEST naming the field, UNSUPPORTED_MEDIA_TYPE for unknown
 * documents, MANIFEST_TOO_LARGE for huge indexes. A schema1 manifest comes back with its
 * signatures unchecked (`signatures: []`): verify.ts checks them.
 */
export async function parseManifest(
	bytes: Verified<Uint8Array>,
	contentType: string | null,
	options: { signed?: boolean } = {}
): Promise<ParsedManifest> {
	const untrusted = decodeJson(bytes, 'manifest', 'INVALID_MANIFEST');
	const classification = classifyManifest(contentType, untrusted);
	const { kind, sniffed } = classification;
	// The payload of a signed manifest has no `signatures`, so sniffing it says "unsigned".
	const mediaType = kind === 'schema1' && sniffed && options.signed ? DOCKER_SCHEMA1_SIGNED : classification.mediaType;
	const o = manifestFields.object(untrusted, '(top level)');
	if (kind === 'schema1') {
		// Deprecated and rare: its reader is loaded only when such a manifest is met.
		const { readSchema1 } = await import('./schema1');
		return { manifest: readSchema1(bytes, mediaType, options.signed ?? false), mediaType, sniffed };
	}
	const embedded: Located[] = [];
	const manifest = kind === 'index' ? parseIndex(o, mediaType, embedded) : parseImage(o, mediaType, embedded);
	await checkEmbeddedData(embedded);
	return { manifest, mediaType, sniffed };
}
