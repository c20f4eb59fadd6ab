/**
 * Sigstore bundles (cosign v3 stores signatures and attestations as OCI 1.1 referrers holding one):
 * `verificationMaterial` (certificate, chain or public-key hint; Rekor entries) and either a DSSE
 * envelope (what `cosign sign` and `cosign attest` write for images) or a message signature over an
 * artifact digest, which a page cannot check without the artifact.
 */
import { decodeJson, FieldReader, fieldPath } from '../fields';
import { decodeBase64Loose } from './cosign';
import type { Envelope } from './dsse';

export const BUNDLE_MEDIA_TYPE_PREFIX = 'application/vnd.dev.sigstore.bundle';
/** The predicate type of a `cosign sign` statement in a bundle (its subject is the image digest). */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

export interface TlogEntry {
	logIndex: string;
	integratedTime: string;
}

export interface Bundle {
	mediaType: string;
	/** DER of the leaf certificate (keyless), when present. */
	certificate?: Uint8Array;
	publicKeyHint?: string;
	tlogEntries: TlogEntry[];
	envelope?: Envelope;
	/** A message signature: only its digest algorithm is reported (the signed artifact is not at hand). */
	messageDigestAlgorithm?: string;
}

const r = new FieldReader('Sigstore bundle', 'INVALID_DOCUMENT');

/** proto3 JSON writes int64 as strings; accept numbers too. */
function int64(v: unknown, path: string): string {
	if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
	if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return v;
	if (v == null) return '';
	return r.fail(path, 'must be an integer');
}

export function parseBundle(bytes: Uint8Array): Bundle {
	const o = r.object(decodeJson(bytes, 'Sigstore bundle', 'INVALID_DOCUMENT'), '(top level)');
	const bundle: Bundle = { mediaType: r.string(o.mediaType, 'mediaType'), tlogEntries: [] };
	const vm = r.object(o.verificationMaterial, 'verificationMaterial');
	const cert = r.optionalObject(vm.certificate, 'verificationMaterial.certificate');
	const chain = r.optionalObject(vm.x509CertificateChain, 'verificationMaterial.x509CertificateChain');
	const leaf =
		cert ??
		(chain
			? r.object(
					r.array(chain.certificates, 'verificationMaterial.x509CertificateChain.certificates')[0],
					'verificationMaterial.x509CertificateChain.certificates[0]'
				)
			: undefined);
	if (leaf) bundle.certificate = decodeBase64Loose(r.string(leaf.rawBytes, 'verificationMaterial.certificate.rawBytes'), 'certificate');
	const key = r.optionalObject(vm.publicKey, 'verificationMaterial.publicKey');
	if (key) bundle.publicKeyHint = r.optionalString(key.hint, 'verificationMaterial.publicKey.hint') ?? '';
	(r.optionalArray(vm.tlogEntries, 'verificationMaterial.tlogEntries') ?? []).forEach((e, i) => {
		const path = fieldPath('verificationMaterial.tlogEntries', i);
		const t = r.object(e, path);
		bundle.tlogEntries.push({
			logIndex: int64(t.logIndex, fieldPath(path, 'logIndex')),
			integratedTime: int64(t.integratedTime, fieldPath(path, 'integratedTime'))
		});
	});
	const dsse = r.optionalObject(o.dsseEnvelope, 'dsseEnvelope');
	if (dsse) {
		bundle.envelope = {
			payloadType: r.string(dsse.payloadType, 'dsseEnvelope.payloadType'),
			payload: decodeBase64Loose(r.string(dsse.payload, 'dsseEnvelope.payload'), 'DSSE payload'),
			signatures: r.array(dsse.signatures, 'dsseEnvelope.signatures').map((s, i) => {
				const so = r.object(s, fieldPath('dsseEnvelope.signatures', i));
				return {
					keyid: r.optionalString(so.keyid, 'keyid') ?? '',
					sig: decodeBase64Loose(r.string(so.sig, fieldPath(fieldPath('dsseEnvelope.signatures', i), 'sig')), 'DSSE signature')
				};
			})
		};
	}
	const message = r.optionalObject(o.messageSignature, 'messageSignature');
	if (message)
		bundle.messageDigestAlgorithm =
			r.optionalString(
				r.optionalObject(message.messageDigest, 'messageSignature.messageDigest')?.algorithm,
				'messageSignature.messageDigest.algorithm'
			) ?? '';
	if (!dsse && !message) r.fail('(top level)', 'has neither dsseEnvelope nor messageSignature');
	return bundle;
}
