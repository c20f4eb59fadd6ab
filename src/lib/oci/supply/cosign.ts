/**
 * cosign's signature format (specs/SIGNATURE_SPEC.md): a simple-signing payload per layer, its
 * signature, certificate and Rekor bundle in the layer's annotations.
 */
import { RegscopeError } from '../errors';
import { decodeJson, FieldReader } from '../fields';
import type { Descriptor } from '../model';
import type { Verified } from '../model';

export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const ANNOTATION_SIGNATURE = 'dev.cosignproject.cosign/signature';
export const ANNOTATION_CERTIFICATE = 'dev.sigstore.cosign/certificate';
export const ANNOTATION_CHAIN = 'dev.sigstore.cosign/chain';
export const ANNOTATION_BUNDLE = 'dev.sigstore.cosign/bundle';

export interface SimpleSigning {
	dockerReference: string;
	/** `critical.image.docker-manifest-digest`: the image this payload signs. */
	manifestDigest: string;
	type: string;
	optional: Record<string, unknown>;
}

const fields = new FieldReader('signature payload', 'INVALID_DOCUMENT');

/** Go's encoding/json matches keys case-insensitively (the spec example writes `Docker-manifest-digest`). */
function get(o: Record<string, unknown>, key: string): unknown {
	if (Object.hasOwn(o, key)) return o[key];
	const k = Object.keys(o).find((name) => name.toLowerCase() === key.toLowerCase());
	return k === undefined ? undefined : o[k];
}

export function parseSimpleSigning(bytes: Verified<Uint8Array>): SimpleSigning {
	const top = fields.object(decodeJson(bytes, 'signature payload', 'INVALID_DOCUMENT'), '(top level)');
	const critical = fields.object(get(top, 'critical'), 'critical');
	const identity = fields.object(get(critical, 'identity'), 'critical.identity');
	const image = fields.object(get(critical, 'image'), 'critical.image');
	return {
		dockerReference: fields.optionalString(get(identity, 'docker-reference'), 'critical.identity.docker-reference') ?? '',
		manifestDigest: fields.string(get(image, 'docker-manifest-digest'), 'critical.image.docker-manifest-digest'),
		type: fields.string(get(critical, 'type'), 'critical.type'),
		optional: fields.optionalObject(get(top, 'optional'), 'optional') ?? {}
	};
}

export interface RekorBundle {
	logIndex: number;
	integratedTime: number;
	logId: string;
}

/** The `dev.sigstore.cosign/bundle` annotation; throws INVALID_DOCUMENT naming the field. */
export function parseRekorBundle(annotation: string): RekorBundle {
	const r = new FieldReader('Rekor bundle', 'INVALID_DOCUMENT');
	const top = r.object(decodeJson(new TextEncoder().encode(annotation), 'Rekor bundle', 'INVALID_DOCUMENT'), '(top level)');
	const payload = r.object(top.Payload, 'Payload');
	return {
		logIndex: r.nonNegativeInteger(payload.logIndex, 'Payload.logIndex'),
		integratedTime: r.nonNegativeInteger(payload.integratedTime, 'Payload.integratedTime'),
		logId: r.string(payload.logID, 'Payload.logID')
	};
}

/** Standard or URL-safe base64 (cosign and DSSE write either); throws INVALID_DOCUMENT. */
export function decodeBase64Loose(s: string, what: string): Uint8Array {
	let t = s.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 === 1) {
		throw new RegscopeError('INVALID_DOCUMENT', `the ${what} is not base64`);
	}
	while (t.length % 4 !== 0) t += '=';
	return Uint8Array.from(atob(t), (c) => c.charCodeAt(0));
}

/** What a cosign signature layer carries besides its payload. */
export interface SignatureLayer {
	signature?: Uint8Array;
	certificatePem?: string;
	chainPem?: string;
	bundle?: RekorBundle;
	/** Why an annotation could not be read. */
	problems: string[];
}

export function readSignatureLayer(layer: Descriptor): SignatureLayer {
	const a = layer.annotations ?? {};
	const out: SignatureLayer = { problems: [] };
	const sig = a[ANNOTATION_SIGNATURE];
	if (sig) {
		try {
			out.signature = decodeBase64Loose(sig, 'signature annotation');
		} catch (e) {
			out.problems.push((e as Error).message);
		}
	}
	if (a[ANNOTATION_CERTIFICATE]) out.certificatePem = a[ANNOTATION_CERTIFICATE];
	if (a[ANNOTATION_CHAIN]) out.chainPem = a[ANNOTATION_CHAIN];
	if (a[ANNOTATION_BUNDLE]) {
		try {
			out.bundle = parseRekorBundle(a[ANNOTATION_BUNDLE]);
		} catch (e) {
			out.problems.push((e as Error).message);
		}
	}
	return out;
}
