/**
 * What a verified layer document says, decoded for the panel: a cosign payload, a DSSE envelope or a raw
 * in-toto statement (with SLSA provenance or an SBOM inside), or an SBOM document.
 */
import type { Verified } from '$lib/oci/model';
import { parseBundle, type Bundle } from '$lib/oci/supply/bundle';
import { parseEnvelope, parseStatement, statementCovers, type Envelope, type Statement } from '$lib/oci/supply/dsse';
import { documentKind } from '$lib/oci/supply/kinds';
import { parseSbom, readSbom, type Sbom } from '$lib/oci/supply/sbom';
import { readProvenance, type Provenance } from '$lib/oci/supply/slsa';
import { parseNotationJws, type NotationSignature } from '$lib/oci/supply/notation';
import type { Descriptor } from '$lib/oci/model';

export type Decoded =
	| { type: 'simple-signing' }
	| {
			type: 'statement';
			envelope?: Envelope;
			bundle?: Bundle;
			statement: Statement;
			coversSubject: boolean;
			provenance: Provenance | null;
			sbom: Sbom | null;
	  }
	| { type: 'envelope'; envelope: Envelope; bundle?: Bundle }
	| { type: 'sbom'; sbom: Sbom }
	| { type: 'notation'; notation: NotationSignature }
	| { type: 'opaque' };

function fromStatement(statement: Statement, subject: string, envelope?: Envelope, bundle?: Bundle): Decoded {
	return {
		type: 'statement',
		...(bundle ? { bundle } : {}),
		statement,
		coversSubject: statementCovers(statement, subject),
		provenance: readProvenance(statement.predicateType, statement.predicate),
		sbom: readSbom(statement.predicate),
		...(envelope ? { envelope } : {})
	};
}

/** Throws INVALID_DOCUMENT naming the field when the bytes are not what the media type says. */
export function decodeDocument(layer: Descriptor, bytes: Verified<Uint8Array>, subject: string): Decoded {
	switch (documentKind(layer)) {
		case 'simple-signing':
			return { type: 'simple-signing' };
		case 'dsse': {
			const envelope = parseEnvelope(bytes);
			if (envelope.payloadType !== 'application/vnd.in-toto+json') return { type: 'envelope', envelope };
			return fromStatement(parseStatement(envelope.payload), subject, envelope);
		}
		case 'sigstore-bundle': {
			const bundle = parseBundle(bytes);
			const envelope = bundle.envelope;
			if (!envelope) return { type: 'opaque' };
			if (envelope.payloadType !== 'application/vnd.in-toto+json') return { type: 'envelope', envelope, bundle };
			return fromStatement(parseStatement(envelope.payload), subject, envelope, bundle);
		}
		case 'in-toto':
			return fromStatement(parseStatement(bytes), subject);
		case 'spdx':
		case 'cyclonedx':
			return { type: 'sbom', sbom: parseSbom(bytes) };
		case 'notation':
			// COSE envelopes are not decoded here: only the JWS form.
			return layer.mediaType.startsWith('application/jose+json')
				? { type: 'notation', notation: parseNotationJws(bytes) }
				: { type: 'opaque' };
		default:
			return { type: 'opaque' };
	}
}
