/**
 * Turns verified manifest bytes into the typed model. Every field is read from `unknown` by a
 * reader that names the field when it is wrong, so a bad manifest fails with
 * "manifest field layers[2].size must be a non-negative integer" rather than a crash later.
 * The JSON helpers here are shared with config.ts and tags.ts.
 */
import { algorithmOf, computeDigest, parseDigest } from './digest';
import { RegscopeError, type ErrorCode } from './errors';
import { classifyManifest } from './media-types';
import type { Descriptor, Digest, ImageManifest, IndexManifest, Manifest, Platform } from './model';
import type { Verified } from './verify';

/** registry-protocol §8.1: an index can hold many attestations, but not without bound. */
export const MAX_INDEX_ENTRIES = 1000;

/** Decodes UTF-8 JSON, saying clearly when the registry sent something else (an HTML page…). */
export function decodeJson(bytes: Uint8Array, what: string, code: ErrorCode): unknown {
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		throw new RegscopeError(code, `the ${what} is not UTF-8 text, so it cannot be JSON`);
	}
	const start = text.trimStart();
	if (start === '') throw new RegscopeError(code, `the ${what} is empty; expected a JSON document`);
	if (start.startsWith('<')) {
		throw new RegscopeError(
			code,
			`the registry sent HTML or XML instead of a JSON ${what} (it starts with "${start.slice(0, 40)}"); a proxy, login page or error page may be in the way`
		);
	}
	try {
		return JSON.parse(text);
	} catch (e) {
		throw new RegscopeError(
			code,
			`the ${what} is not valid JSON (${e instanceof Error ? e.message : String(e)})`
		);
	}
}

/** `a.b`, `a[2]`, `a["org.opencontainers.image.title"]`: how fields are named in messages. */
export function fieldPath(base: string, key: string | number): string {
	if (typeof key === 'number') return `${base}[${key}]`;
	if (!/^[A-Za-z_][\w.]*$/.test(key)) return `${base}[${JSON.stringify(key)}]`;
	return base === '' ? key : `${base}.${key}`;
}

/**
 * Reads fields of untrusted JSON. `null` counts as absent for optional fields, as the OCI
 * specs allow and real registries produce.
 */
export class FieldReader {
	constructor(
		private readonly what: string,
		private readonly code: ErrorCode
	) {}

	fail(path: string, problem: string): never {
		throw new RegscopeError(this.code, `${this.what} field ${path} ${problem}`, { field: path });
	}

	object(value: unknown, path: string): Record<string, unknown> {
		if (typeof value !== 'object' || value === null || Array.isArray(value)) {
			this.fail(path, value === undefined ? 'is missing' : 'must be an object');
		}
		return value as Record<string, unknown>;
	}

	optionalObject(value: unknown, path: string): Record<string, unknown> | undefined {
		return value == null ? undefined : this.object(value, path);
	}

	string(value: unknown, path: string): string {
		if (typeof value !== 'string') {
			this.fail(path, value === undefined ? 'is missing' : 'must be a string');
		}
		return value;
	}

	optionalString(value: unknown, path: string): string | undefined {
		return value == null ? undefined : this.string(value, path);
	}

	optionalBoolean(value: unknown, path: string): boolean | undefined {
		if (value == null) return undefined;
		if (typeof value !== 'boolean') this.fail(path, 'must be true or false');
		return value;
	}

	nonNegativeInteger(value: unknown, path: string): number {
		if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
			this.fail(path, value === undefined ? 'is missing' : 'must be a non-negative integer');
		}
		return value;
	}

	optionalNumber(value: unknown, path: string): number | undefined {
		if (value == null) return undefined;
		if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, 'must be a number');
		return value;
	}

	array(value: unknown, path: string): unknown[] {
		if (!Array.isArray(value)) this.fail(path, value === undefined ? 'is missing' : 'must be an array');
		return value;
	}

	optionalArray(value: unknown, path: string): unknown[] | undefined {
		return value == null ? undefined : this.array(value, path);
	}

	optionalStringArray(value: unknown, path: string): string[] | undefined {
		return this.optionalArray(value, path)?.map((v, i) => this.string(v, fieldPath(path, i)));
	}

	optionalStringMap(value: unknown, path: string): Record<string, string> | undefined {
		const o = this.optionalObject(value, path);
		if (o === undefined) return undefined;
		const out: Record<string, string> = {};
		for (const [k, v] of Object.entries(o)) out[k] = this.string(v, fieldPath(path, k));
		return out;
	}

	digest(value: unknown, path: string): Digest {
		return parseDigest(this.string(value, path), `${this.what} field ${path}`, this.code);
	}
}

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
	if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) {
		manifestFields.fail(fieldPath(path, 'data'), 'must be standard base64');
	}
	return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

/** image-spec descriptor.md: embedded data MUST match the descriptor's digest and size. */
async function checkEmbeddedData(embedded: Located[]): Promise<void> {
	for (const { path, descriptor } of embedded) {
		const bytes = decodeBase64(descriptor.data ?? '', path);
		if (bytes.length !== descriptor.size) {
			manifestFields.fail(
				fieldPath(path, 'data'),
				`holds ${bytes.length} bytes but the descriptor says size ${descriptor.size}`
			);
		}
		const actual = await computeDigest(bytes, algorithmOf(descriptor.digest));
		if (actual !== descriptor.digest) {
			manifestFields.fail(
				fieldPath(path, 'data'),
				`hashes to ${actual}, not to the descriptor's digest ${descriptor.digest}`
			);
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
function addCommon(target: Manifest, o: Record<string, unknown>, embedded: Located[]): void {
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
 * Parses verified manifest bytes. Throws INVALID_MANIFEST naming the field,
 * UNSUPPORTED_MEDIA_TYPE for schema1 and unknown documents, MANIFEST_TOO_LARGE for huge indexes.
 */
export async function parseManifest(
	bytes: Verified<Uint8Array>,
	contentType: string | null
): Promise<ParsedManifest> {
	const untrusted = decodeJson(bytes, 'manifest', 'INVALID_MANIFEST');
	const { mediaType, kind, sniffed } = classifyManifest(contentType, untrusted);
	const o = manifestFields.object(untrusted, '(top level)');
	const embedded: Located[] = [];
	const manifest =
		kind === 'index' ? parseIndex(o, mediaType, embedded) : parseImage(o, mediaType, embedded);
	await checkEmbeddedData(embedded);
	return { manifest, mediaType, sniffed };
}
