/**
 * DSSE envelopes (secure-systems-lab/dsse) and the in-toto Statements inside them. The signature
 * covers PAE(payloadType, payload); the statement is read from those same payload bytes.
 */
import { decodeJson, FieldReader, fieldPath } from '../fields';
import { decodeBase64Loose } from './cosign';
import { verifySignature, type PublicKey } from './keys';

export const DSSE_ENVELOPE = 'application/vnd.dsse.envelope.v1+json';
export const IN_TOTO_JSON = 'application/vnd.in-toto+json';

export interface Envelope {
	payloadType: string;
	payload: Uint8Array;
	signatures: { keyid: string; sig: Uint8Array }[];
}

const envelopeFields = new FieldReader('DSSE envelope', 'INVALID_DOCUMENT');

/** Parses envelope bytes (already checked against their layer digest by the caller). */
export function parseEnvelope(bytes: Uint8Array): Envelope {
	const r = envelopeFields;
	const o = r.object(decodeJson(bytes, 'DSSE envelope', 'INVALID_DOCUMENT'), '(top level)');
	return {
		payloadType: r.string(o.payloadType, 'payloadType'),
		payload: decodeBase64Loose(r.string(o.payload, 'payload'), 'DSSE payload'),
		signatures: (r.optionalArray(o.signatures, 'signatures') ?? []).map((s, i) => {
			const so = r.object(s, fieldPath('signatures', i));
			return {
				keyid: r.optionalString(so.keyid, fieldPath(fieldPath('signatures', i), 'keyid')) ?? '',
				sig: decodeBase64Loose(r.string(so.sig, fieldPath(fieldPath('signatures', i), 'sig')), 'DSSE signature')
			};
		})
	};
}

/** Pre-Authentication Encoding: `DSSEv1 SP LEN(type) SP type SP LEN(body) SP body`, lengths in bytes. */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
	const type = new TextEncoder().encode(payloadType);
	const head = new TextEncoder().encode(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `);
	const out = new Uint8Array(head.length + payload.length);
	out.set(head);
	out.set(payload, head.length);
	return out;
}

/** true when any of the envelope's signatures verifies with `key`. */
export async function verifyEnvelope(envelope: Envelope, key: PublicKey): Promise<boolean> {
	const signed = pae(envelope.payloadType, envelope.payload);
	for (const s of envelope.signatures) {
		if (await verifySignature(key, signed, s.sig)) return true;
	}
	return false;
}

export interface Statement {
	type: string;
	subjects: { name: string; digest: Record<string, string> }[];
	predicateType: string;
	predicate: unknown;
}

const statementFields = new FieldReader('in-toto statement', 'INVALID_DOCUMENT');

export function parseStatement(bytes: Uint8Array): Statement {
	const r = statementFields;
	const o = r.object(decodeJson(bytes, 'in-toto statement', 'INVALID_DOCUMENT'), '(top level)');
	const type = r.string(o._type, '_type');
	if (!type.startsWith('https://in-toto.io/Statement/'))
		r.fail('_type', `is ${JSON.stringify(type.slice(0, 80))}, not an in-toto Statement`);
	return {
		type,
		subjects: r.array(o.subject, 'subject').map((s, i) => {
			const so = r.object(s, fieldPath('subject', i));
			return {
				name: r.optionalString(so.name, fieldPath(fieldPath('subject', i), 'name')) ?? '',
				digest: r.optionalStringMap(so.digest, fieldPath(fieldPath('subject', i), 'digest')) ?? {}
			};
		}),
		predicateType: r.string(o.predicateType, 'predicateType'),
		predicate: o.predicate ?? null
	};
}

/** Subjects are matched by digest (in-toto statement.md), never by name. */
export function statementCovers(statement: Statement, digest: string): boolean {
	const colon = digest.indexOf(':');
	const alg = digest.slice(0, colon);
	const hex = digest.slice(colon + 1);
	return statement.subjects.some((s) => s.digest[alg]?.toLowerCase() === hex);
}
