/**
 * Verdicts on cosign signatures and DSSE envelopes: the payload must name this image, and the
 * signature must verify with the key the user gave, or (keyless) with the key in the signature's
 * own certificate. What a certificate check does not prove is said in the verdict's message.
 */
import type { Descriptor } from '../model';
import type { Verified } from '../model';
import { parseSimpleSigning, readSignatureLayer, type SimpleSigning } from './cosign';
import { verifyEnvelope, type Envelope } from './dsse';
import { decodePem, importSpki, verifySignature, type PublicKey } from './keys';
import { certificateIdentity, parseCertificate, type Certificate } from './x509';
import { verifyNotationSignature, type NotationSignature } from './notation';

export type Verdict = 'verified' | 'does-not-verify' | 'different-image' | 'unchecked';

export interface SignatureCheck {
	verdict: Verdict;
	/** For people: what was checked and with which key, or why not. */
	message: string;
	payload?: SimpleSigning;
	certificate?: Certificate;
}

/** What keyless verification in a page cannot do (no Sigstore trust root offline). */
export const KEYLESS_CAVEAT =
	"checked with the certificate's own key only: the certificate chain to Sigstore's root, its validity at signing time and the Rekor inclusion were not checked, so the identity is claimed, not proven";

function readCertificate(pem: string | undefined): Certificate | undefined {
	if (!pem) return undefined;
	try {
		const block = decodePem(pem).find((b) => b.label === 'CERTIFICATE');
		return block ? parseCertificate(block.der) : undefined;
	} catch {
		return undefined;
	}
}

async function verdictFor(
	check: (key: PublicKey) => Promise<boolean>,
	key: PublicKey | undefined,
	certificate: Certificate | undefined
): Promise<Pick<SignatureCheck, 'verdict' | 'message'>> {
	if (key) {
		return (await check(key))
			? { verdict: 'verified', message: `verified with the ${key.type} key you gave` }
			: { verdict: 'does-not-verify', message: `does not verify with the ${key.type} key you gave` };
	}
	if (certificate) {
		let certKey: PublicKey;
		try {
			certKey = await importSpki(certificate.spki);
		} catch (e) {
			return { verdict: 'unchecked', message: `the certificate's key cannot be used: ${(e as Error).message}` };
		}
		const who = certificateIdentity(certificate) ?? 'no identity';
		return (await check(certKey))
			? { verdict: 'verified', message: `verified with the certificate's key (${who}); ${KEYLESS_CAVEAT}` }
			: { verdict: 'does-not-verify', message: `does not verify with the certificate's own key (${who})` };
	}
	return { verdict: 'unchecked', message: 'not checked: paste the public key it was signed with' };
}

/**
 * A cosign `.sig` layer: `payload` is the layer blob, already checked against the layer's digest;
 * `subject` the digest of the image the signature should be for.
 */
export async function checkCosignSignature(
	payloadBytes: Verified<Uint8Array>,
	layer: Descriptor,
	subject: string,
	key?: PublicKey
): Promise<SignatureCheck> {
	const payload = parseSimpleSigning(payloadBytes);
	const annotations = readSignatureLayer(layer);
	const certificate = readCertificate(annotations.certificatePem);
	if (payload.manifestDigest !== subject) {
		return {
			verdict: 'different-image',
			message: `signs a different image: the payload names ${payload.manifestDigest}, not ${subject}`,
			payload,
			certificate
		};
	}
	const signature = annotations.signature;
	if (!signature) {
		return { verdict: 'unchecked', message: annotations.problems[0] ?? 'the layer has no signature annotation', payload, certificate };
	}
	const result = await verdictFor((k) => verifySignature(k, payloadBytes, signature), key, certificate);
	return { ...result, payload, certificate };
}

/**
 * A DSSE envelope (cosign `.att` layer, a referrer's, or a Sigstore bundle's), with the certificate from
 * the layer's annotation or, for a bundle, its own (`certificateDer`).
 */
export async function checkEnvelope(
	envelope: Envelope,
	layer: Descriptor,
	key?: PublicKey,
	certificateDer?: Uint8Array
): Promise<SignatureCheck> {
	let certificate = readCertificate(readSignatureLayer(layer).certificatePem);
	if (certificateDer) {
		try {
			certificate = parseCertificate(certificateDer);
		} catch {
			certificate = undefined;
		}
	}
	if (envelope.signatures.length === 0) return { verdict: 'unchecked', message: 'the envelope is not signed', certificate };
	return { ...(await verdictFor((k) => verifyEnvelope(envelope, k), key, certificate)), certificate };
}

/** What a Notation verdict leaves out: trust in a Notation signature is the user's trust store and policy. */
export const NOTATION_CAVEAT =
	"checked with the signing certificate's own key only: Notation's trust store and trust policy (which roots and identities to accept) are not evaluated, so the signer is claimed, not proven";

/** A Notation JWS signature: its signed target against `subject`, then the signature with the leaf certificate's key. */
export async function checkNotation(sig: NotationSignature, subject: string): Promise<SignatureCheck> {
	const certificate = sig.certificates[0];
	if (sig.target.digest !== subject) {
		return {
			verdict: 'different-image',
			message: `signs a different image: its payload names ${sig.target.digest}, not ${subject}`,
			certificate
		};
	}
	let ok: boolean;
	try {
		ok = await verifyNotationSignature(sig);
	} catch (e) {
		return { verdict: 'unchecked', message: (e as Error).message, certificate };
	}
	return ok
		? {
				verdict: 'verified',
				message: `verified with the certificate's key (${sig.signer ?? 'no subject'}); ${NOTATION_CAVEAT}`,
				certificate
			}
		: {
				verdict: 'does-not-verify',
				message: `does not verify with its certificate's own key (${sig.signer ?? 'no subject'})`,
				certificate
			};
}
