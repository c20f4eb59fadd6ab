/**
 * What the rest of the core needs to know about Docker schema1 without loading its reader and the
 * signature code (schema1.ts, jws.ts): those are loaded only when a schema1 manifest is actually met,
 * so the page an ordinary image opens does not download them.
 */
import type { Digest } from './model';
import { isObject } from './text';

/** The gzip of an empty tar: what Docker wrote for metadata-only steps before `throwaway` existed. */
export const GZIPPED_EMPTY_LAYER = 'sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4' as Digest;

/**
 * The document when the bytes are a signed schema1 manifest by containers/image's test (a JSON object
 * with `schemaVersion: 1` and a `signatures` member), else null. The one test for it: verify.ts loads
 * the envelope code exactly when this says so, and schema1Envelope starts from the same answer.
 */
export function signedSchema1Document(bytes: Uint8Array): Record<string, unknown> | null {
	let doc: unknown;
	try {
		doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
	} catch {
		return null; // not JSON: the normal path hashes it and then reports why it cannot be parsed
	}
	return isObject(doc) && doc.schemaVersion === 1 && doc.signatures != null ? doc : null;
}
