/**
 * Docker Image Manifest V2, Schema 1 (deprecated), read as containers/image and skopeo read it
 * (the JWS envelope, fixManifestLayers and the v1Compatibility conversion of containers/image).
 *
 * Two stages, so that nothing parsed is used before the digest check:
 * 1. `schema1Envelope(bytes)` (untrusted bytes, before the check): for a signed manifest, rebuilds
 *    the libtrust "pretty JWS" payload the digest is computed over, from the `formatLength` and
 *    `formatTail` of every signature's protected header. It reads nothing else.
 * 2. `readSchema1(payload)` (only the verified payload: verify.ts, through parseManifest): validation,
 *    fixManifestLayers, and the conversion into the common model (base first).
 */
import { assign, parseContainerConfig } from './config';
import { RegscopeError } from './errors';
import { base64UrlDecode } from './base64';
import { FieldReader, decodeJson, fieldPath } from './fields';
import type { JwsSignatureBlock } from './jws';
import { DOCKER_LAYER_GZIP } from './media-types';
import type { Digest, HistoryEntry, ImageConfig, Schema1Layer, Schema1Manifest, Timeline, TimelineRow, Verified } from './model';
import { GZIPPED_EMPTY_LAYER, signedSchema1Document } from './schema1-marks';
import { isObject } from './text';

export { GZIPPED_EMPTY_LAYER } from './schema1-marks';

/** Layer size in a schema1 timeline row: the manifest does not record it (skopeo prints -1). */
export const UNKNOWN_SIZE = -1;

/** Go's zero time, which skopeo prints as `Created` when v1Compatibility has no `created`. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

const r = new FieldReader('schema1 manifest', 'INVALID_MANIFEST');

function invalid(message: string, details?: Record<string, unknown>): RegscopeError {
	return new RegscopeError('INVALID_MANIFEST', `schema1 manifest: ${message}`, details);
}

// ---------------------------------------------------------------------------------------------
// Stage 1: the JWS payload (before the digest check)

export interface Schema1Envelope {
	/** `bytes[0, formatLength) ++ formatTail`: what the digest covers and what gets parsed. */
	payload: Uint8Array;
	formatLength: number;
	formatTail: Uint8Array;
	/** The signature blocks, for `verifySignatures` once the payload is verified. */
	signatures: JwsSignatureBlock[];
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The most signatures a schema1 manifest may carry; more is refused as a whole. */
export const MAX_SCHEMA1_SIGNATURES = 8;

/**
 * For a signed schema1 document (a JSON object with `schemaVersion: 1` and a `signatures` member,
 * containers/image's test), the reconstructed payload; null for anything else, which is hashed as
 * received. Throws INVALID_MANIFEST when the envelope is unusable (no signatures, a protected header
 * that is not base64url JSON, no integer formatLength, a bad formatTail, signatures that disagree,
 * a formatLength past the end of the document).
 */
export function schema1Envelope(bytes: Uint8Array): Schema1Envelope | null {
	const doc = signedSchema1Document(bytes);
	if (doc === null) return null;

	const list = doc.signatures;
	if (!Array.isArray(list)) throw invalid('signatures must be an array of JWS signatures');
	if (list.length === 0) {
		throw invalid('signatures is empty, so the JWS payload cannot be rebuilt; a signed manifest needs at least one signature');
	}
	// Real images carry one signature; thousands would make every reader check thousands of keys.
	if (list.length > MAX_SCHEMA1_SIGNATURES) {
		throw invalid(
			`the manifest carries ${list.length} signatures; regscope checks at most ${MAX_SCHEMA1_SIGNATURES} (real schema1 images carry one), so it was refused without checking any`,
			{ signatures: list.length, limit: MAX_SCHEMA1_SIGNATURES }
		);
	}
	let formatLength = -1;
	let formatTail: Uint8Array = new Uint8Array();
	const signatures: JwsSignatureBlock[] = list.map((entry: unknown, i): JwsSignatureBlock => {
		const at = `signatures[${i}]`;
		if (!isObject(entry)) throw invalid(`${at} must be an object`);
		if (typeof entry.protected !== 'string') throw invalid(`${at}.protected is missing; it carries formatLength and formatTail`);
		const decoded = base64UrlDecode(entry.protected);
		let header: unknown;
		try {
			header = decoded && JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(decoded));
		} catch {
			header = undefined;
		}
		if (!isObject(header)) throw invalid(`${at}.protected is not a base64url-encoded JSON object`);
		const length = header.formatLength;
		if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
			throw invalid(`${at}.protected has no formatLength (a non-negative integer)`);
		}
		if (typeof header.formatTail !== 'string') throw invalid(`${at}.protected has no formatTail`);
		const tail = base64UrlDecode(header.formatTail);
		if (!tail) throw invalid(`${at}.protected formatTail is not base64url`);
		if (i === 0) {
			if (length > bytes.length) {
				throw invalid(`formatLength ${length} is longer than the ${bytes.length} bytes received`, {
					formatLength: length,
					size: bytes.length
				});
			}
			formatLength = length;
			formatTail = tail;
		} else if (length !== formatLength) {
			throw invalid(
				`the signatures disagree on formatLength (${formatLength} in signatures[0], ${length} in ${at}), so there is no single payload`
			);
		} else if (!sameBytes(tail, formatTail)) {
			throw invalid(`the signatures disagree on formatTail (signatures[0] and ${at}), so there is no single payload`);
		}
		return { header: entry.header, signature: entry.signature, protected: entry.protected, protectedHeader: header };
	});
	const payload = new Uint8Array(formatLength + formatTail.length);
	payload.set(bytes.subarray(0, formatLength), 0);
	payload.set(formatTail, formatLength);
	return { payload, formatLength, formatTail, signatures };
}

// ---------------------------------------------------------------------------------------------
// Stage 2: validation and conversion (verified payload only)

/** The v1Compatibility fields containers/image reads (Schema1V1Compatibility + Schema2V1Image). */
interface V1Entry {
	id: string;
	parent?: string;
	throwaway: boolean;
	created?: string;
	author?: string;
	comment?: string;
	createdBy?: string;
	/** The parsed object, for the image-level fields of the newest entry. */
	raw: Record<string, unknown>;
	path: string;
}

const V1_ID = /^[a-f0-9]{64}$/;

function parseV1Entry(value: unknown, i: number): V1Entry {
	const path = `history[${i}].v1Compatibility`;
	const h = r.object(value, `history[${i}]`);
	const text = r.string(h.v1Compatibility, path);
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch (e) {
		throw invalid(`${path} is not valid JSON (${e instanceof Error ? e.message : String(e)})`, { field: path });
	}
	if (!isObject(raw)) throw invalid(`${path} must be a JSON object`, { field: path });
	const id = raw.id;
	if (typeof id !== 'string' || !V1_ID.test(id)) {
		throw invalid(
			`${path} has ${typeof id === 'string' ? `id "${id.slice(0, 80)}"` : 'no id'}; every v1 id must be 64 lowercase hex characters`,
			{ field: `${path}.id` }
		);
	}
	const containerConfig = r.optionalObject(raw.container_config, `${path}.container_config`);
	const cmd = r.optionalStringArray(containerConfig?.Cmd, `${path}.container_config.Cmd`);
	const entry: V1Entry = {
		id,
		throwaway: r.optionalBoolean(raw.throwaway, `${path}.throwaway`) ?? false,
		raw,
		path
	};
	return assign(entry, {
		parent: r.optionalString(raw.parent, `${path}.parent`) || undefined,
		created: r.optionalString(raw.created, `${path}.created`),
		author: r.optionalString(raw.author, `${path}.author`) || undefined,
		comment: r.optionalString(raw.comment, `${path}.comment`) || undefined,
		createdBy: cmd && cmd.length > 0 ? cmd.join(' ') : undefined
	});
}

interface Pair {
	blobSum: Digest;
	v1: V1Entry;
}

/**
 * containers/image `fixManifestLayers` (newest first, as in the document): every id valid (done in
 * parseV1Entry), the base has no parent, an id repeated non-consecutively is an error, of two
 * consecutive entries with the same id the newer one is dropped with its fsLayer, and every
 * remaining entry's parent is the next entry's id.
 */
export function fixManifestLayers(pairs: Pair[]): { pairs: Pair[]; dropped: number } {
	const base = pairs[pairs.length - 1];
	if (base?.v1.parent !== undefined) {
		throw invalid(`the base entry (${base.v1.path}) has parent ${base.v1.parent}; the last history entry must have none`, {
			field: `${base.v1.path}.parent`
		});
	}
	const seen = new Set<string>();
	let last = '';
	pairs.forEach(({ v1 }, i) => {
		if (v1.id !== last && seen.has(v1.id)) {
			throw invalid(`v1 id ${v1.id} appears again at history[${i}] after other ids; only consecutive repeats are allowed`, {
				id: v1.id,
				index: i
			});
		}
		last = v1.id;
		seen.add(v1.id);
	});
	const out = pairs.slice();
	let dropped = 0;
	for (let i = out.length - 2; i >= 0; i--) {
		const newer = out[i]!;
		const older = out[i + 1]!;
		if (newer.v1.id === older.v1.id) {
			out.splice(i, 1);
			dropped++;
		} else if (newer.v1.parent !== older.v1.id) {
			throw invalid(
				`${newer.v1.path} has parent ${newer.v1.parent ?? '(none)'}, but the next entry's id is ${older.v1.id}; each entry's parent must be the entry below it`,
				{ field: `${newer.v1.path}.parent`, expected: older.v1.id, actual: newer.v1.parent ?? null }
			);
		}
	}
	return { pairs: out, dropped };
}

/** Image-level config from the newest entry (containers/image Schema2V1Image), history base first. */
function imageConfig(pairs: Pair[]): ImageConfig {
	const newest = pairs[0]!.v1;
	const o = newest.raw;
	const at = (k: string) => fieldPath(newest.path, k);
	const history: HistoryEntry[] = pairs
		.slice()
		.reverse()
		.map(({ v1, blobSum }) =>
			assign<HistoryEntry>(
				{},
				{
					created: v1.created,
					created_by: v1.createdBy,
					author: v1.author,
					comment: v1.comment,
					empty_layer: v1.throwaway || blobSum === GZIPPED_EMPTY_LAYER ? true : undefined
				}
			)
		);
	const config: ImageConfig = {
		architecture: r.optionalString(o.architecture, at('architecture')) ?? '',
		os: r.optionalString(o.os, at('os')) ?? '',
		config: parseContainerConfig(o.config, r, at('config')),
		rootfs: { type: 'layers', diff_ids: [] },
		history
	};
	return assign(config, {
		created: newest.created,
		author: newest.author,
		variant: r.optionalString(o.variant, at('variant')) || undefined,
		docker_version: r.optionalString(o.docker_version, at('docker_version'))
	});
}

/**
 * Validates and converts a verified schema1 payload. `signatures` is left empty; verify.ts checks
 * them against the verified payload and fills it in.
 */
export function readSchema1(payload: Verified<Uint8Array>, mediaType: string, signed: boolean): Schema1Manifest {
	return parseSchema1(r.object(decodeJson(payload, 'manifest', 'INVALID_MANIFEST'), '(top level)'), mediaType, signed);
}

function parseSchema1(o: Record<string, unknown>, mediaType: string, signed: boolean): Schema1Manifest {
	if (o.schemaVersion !== 1) {
		throw invalid(`schemaVersion must be 1, not ${JSON.stringify(o.schemaVersion) ?? 'missing'}`, { field: 'schemaVersion' });
	}
	const fsLayers = r.array(o.fsLayers, 'fsLayers');
	const history = r.array(o.history, 'history');
	if (fsLayers.length !== history.length) {
		throw invalid(`it lists ${fsLayers.length} fsLayers but ${history.length} history entries; they must pair up one to one`, {
			fsLayers: fsLayers.length,
			history: history.length
		});
	}
	if (fsLayers.length === 0) throw invalid('fsLayers and history are empty; an image needs at least one layer');
	const pairs: Pair[] = fsLayers.map((layer, i) => ({
		blobSum: r.digest(r.object(layer, `fsLayers[${i}]`).blobSum, `fsLayers[${i}].blobSum`),
		v1: parseV1Entry(history[i], i)
	}));
	const fixed = fixManifestLayers(pairs);
	const layers: Schema1Layer[] = fixed.pairs
		.slice()
		.reverse()
		.map(({ blobSum, v1 }) =>
			assign<Schema1Layer>(
				{ digest: blobSum, empty: v1.throwaway || blobSum === GZIPPED_EMPTY_LAYER, v1Id: v1.id },
				{ v1Parent: v1.parent }
			)
		);
	return {
		kind: 'schema1',
		mediaType,
		schemaVersion: 1,
		name: r.optionalString(o.name, 'name') ?? '',
		tag: r.optionalString(o.tag, 'tag') ?? '',
		architecture: r.optionalString(o.architecture, 'architecture') ?? '',
		layers,
		image: imageConfig(fixed.pairs),
		signed,
		signatures: [],
		droppedDuplicates: fixed.dropped
	};
}

/**
 * The timeline of a schema1 image: one row per (history entry, blobSum), base first, always
 * aligned. Throwaway rows keep their (empty) blob, as skopeo's Layers do; sizes are unknown and
 * there are no diff_ids.
 */
export function schema1Timeline(manifest: Schema1Manifest): Timeline {
	const rows = manifest.layers.map((layer, layerIndex): TimelineRow => {
		const row: TimelineRow = {
			layer: { mediaType: DOCKER_LAYER_GZIP, digest: layer.digest, size: UNKNOWN_SIZE },
			layerIndex
		};
		const history = manifest.image.history[layerIndex];
		if (history) row.history = history;
		return row;
	});
	return { rows, aligned: true };
}
