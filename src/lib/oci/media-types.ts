/**
 * Media types, and deciding what kind of document a registry sent:
 * the Content-Type when it names a manifest type and the body agrees, otherwise the body's shape.
 */
import { RegscopeError } from './errors';
import { isObject } from './text';

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';
export const DOCKER_SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json';

export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const DOCKER_PLUGIN_CONFIG = 'application/vnd.docker.plugin.v1+json';

export const DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
export const DOCKER_LAYER_FOREIGN_GZIP = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_LAYER_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
export const OCI_LAYER_NONDISTRIBUTABLE_GZIP = 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip';

/**
 * Every manifest type, preferred first. It must be complete: a registry that does not see a type
 * it holds may convert the manifest (to schema1, with another digest) or answer 404.
 */
export const MANIFEST_ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST, DOCKER_SCHEMA1_SIGNED, DOCKER_SCHEMA1].join(
	', '
);

export type ManifestKind = 'image' | 'index' | 'schema1';

const MANIFEST_KIND: Record<string, ManifestKind> = {
	[DOCKER_MANIFEST]: 'image',
	[OCI_MANIFEST]: 'image',
	[DOCKER_MANIFEST_LIST]: 'index',
	[OCI_INDEX]: 'index',
	[DOCKER_SCHEMA1_SIGNED]: 'schema1',
	[DOCKER_SCHEMA1]: 'schema1'
};

export interface Classification {
	mediaType: string;
	kind: ManifestKind;
	/** true when the Content-Type was missing or generic and the type came from the body. */
	sniffed: boolean;
}

function manifestKind(mediaType: string): ManifestKind | undefined {
	return Object.hasOwn(MANIFEST_KIND, mediaType) ? MANIFEST_KIND[mediaType] : undefined;
}

export function isIndexType(mediaType: string): boolean {
	return manifestKind(mediaType) === 'index';
}

/** Configs regscope parses as image configs; any other config type marks an artifact. */
export function isImageConfigType(mediaType: string): boolean {
	return mediaType === DOCKER_CONFIG || mediaType === OCI_CONFIG;
}

function unsupported(message: string, mediaType: string | null): RegscopeError {
	return new RegscopeError('UNSUPPORTED_MEDIA_TYPE', message, { mediaType });
}

/** The body's guess, for a missing or generic Content-Type (containers/image GuessMIMEType). */
function sniff(body: Record<string, unknown>): string | undefined {
	const declared = body.mediaType;
	if (typeof declared === 'string') return declared;
	if (body.schemaVersion === 1) {
		return Array.isArray(body.signatures) ? DOCKER_SCHEMA1_SIGNED : DOCKER_SCHEMA1;
	}
	if (body.schemaVersion !== 2) return undefined;
	if (Array.isArray(body.manifests)) {
		const first: unknown = body.manifests[0];
		const childType = isObject(first) ? first.mediaType : undefined;
		return typeof childType === 'string' && childType.startsWith('application/vnd.docker.') ? DOCKER_MANIFEST_LIST : OCI_INDEX;
	}
	if (isObject(body.config)) {
		return body.config.mediaType === DOCKER_CONFIG ? DOCKER_MANIFEST : OCI_MANIFEST;
	}
	return undefined;
}

/**
 * Refuses bodies that could be read as two kinds (containers/image
 * ValidateUnambiguousManifestFormat): a reader that picks the other kind would show other content
 * under the same digest.
 */
const FOREIGN_FIELDS: Record<ManifestKind, string[]> = {
	image: ['manifests', 'fsLayers'],
	index: ['config', 'layers', 'fsLayers'],
	schema1: ['config', 'layers', 'manifests']
};

function rejectAmbiguous(body: Record<string, unknown>, kind: ManifestKind, mediaType: string) {
	const foreign = FOREIGN_FIELDS[kind];
	const found = foreign.filter((field) => Object.hasOwn(body, field));
	if (found.length > 0) {
		throw new RegscopeError(
			'INVALID_MANIFEST',
			`the manifest is ambiguous: it is a ${describeMediaType(mediaType)} but also has ${found.join(' and ')}; regscope refuses to guess which one the registry meant`,
			{ mediaType, fields: found }
		);
	}
}

/**
 * Decides the manifest type. `contentType` is the header as sent, `untrusted` the parsed body.
 * Throws UNSUPPORTED_MEDIA_TYPE for unknown documents, INVALID_MANIFEST for a body that
 * contradicts its Content-Type or is ambiguous. Docker schema1 (signed or not) is kind `schema1`.
 */
export function classifyManifest(contentType: string | null, untrusted: unknown): Classification {
	if (!isObject(untrusted)) {
		throw new RegscopeError('INVALID_MANIFEST', 'the manifest is not a JSON object; the registry sent something else', { contentType });
	}
	const header = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
	const headerKind = manifestKind(header);
	let mediaType: string;
	let sniffed: boolean;
	if (headerKind !== undefined) {
		const declared = untrusted.mediaType;
		if (declared !== undefined && declared !== header) {
			throw new RegscopeError(
				'INVALID_MANIFEST',
				`the registry sent Content-Type ${header}, but the manifest's mediaType field says ${typeof declared === 'string' ? declared : JSON.stringify(declared)}; the two must agree`,
				{ contentType: header, mediaType: declared }
			);
		}
		mediaType = header;
		sniffed = false;
	} else {
		const guess = sniff(untrusted);
		if (guess === undefined) {
			throw unsupported(
				`regscope cannot tell what kind of document this is (Content-Type ${header || 'missing'}, no known mediaType or schemaVersion in the body); it is not an image manifest or index`,
				header || null
			);
		}
		mediaType = guess;
		sniffed = true;
	}
	const kind = manifestKind(mediaType);
	if (kind === undefined) {
		throw unsupported(`the manifest has media type ${mediaType}, which is not an image manifest or index regscope can read`, mediaType);
	}
	rejectAmbiguous(untrusted, kind, mediaType);
	return { mediaType, kind, sniffed };
}

const DESCRIPTIONS: Record<string, string> = {
	[DOCKER_MANIFEST]: 'Docker image manifest',
	[DOCKER_MANIFEST_LIST]: 'Docker manifest list',
	[OCI_MANIFEST]: 'OCI image manifest',
	[OCI_INDEX]: 'OCI image index',
	[DOCKER_SCHEMA1_SIGNED]: 'Docker schema1 manifest (signed)',
	[DOCKER_SCHEMA1]: 'Docker schema1 manifest',
	[DOCKER_CONFIG]: 'Docker image config',
	[OCI_CONFIG]: 'OCI image config',
	[OCI_EMPTY]: 'empty',
	[DOCKER_PLUGIN_CONFIG]: 'Docker plugin config'
};

/** A layer's compression, for display (encrypted layers report what is inside the encryption). */
export function layerCompression(mediaType: string): 'gzip' | 'zstd' | 'none' | 'unknown' {
	const plain = mediaType.replace(/\+encrypted$/, '');
	if (/[.+]gzip$/.test(plain)) return 'gzip';
	if (/[.+]zstd$/.test(plain)) return 'zstd';
	if (/\.tar$/.test(plain)) return 'none';
	return 'unknown';
}

/** A short human name: "OCI image index", "OCI layer (zstd)", or the type itself when unknown. */
export function describeMediaType(mediaType: string): string {
	const known = Object.hasOwn(DESCRIPTIONS, mediaType) ? DESCRIPTIONS[mediaType] : undefined;
	if (known !== undefined) return known;
	const layer = /^application\/vnd\.(oci|docker)\.image\.(?:layer|rootfs)\.(nondistributable\.|foreign\.)?/.exec(mediaType);
	if (!layer) return mediaType;
	const family = layer[1] === 'oci' ? 'OCI' : 'Docker';
	const kind = layer[2] ? 'foreign layer' : 'layer';
	const encrypted = mediaType.endsWith('+encrypted') ? ', encrypted' : '';
	const compression = layerCompression(mediaType);
	return `${family} ${kind} (${compression === 'none' ? 'uncompressed' : compression}${encrypted})`;
}
