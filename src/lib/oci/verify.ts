/**
 * The only producer of verified values. Bytes become `Verified<Uint8Array>` here, after their
 * size and digest were checked, and only verified bytes can be parsed (manifest.ts, config.ts,
 * schema1.ts take nothing else). Every result records how it was checked (`Verification.basis`).
 * The digest reported is always the one computed from the bytes; the registry's
 * Docker-Content-Digest header is never what makes content acceptable, only a recorded second opinion.
 *
 * The verified types are declared in model.ts with a key no module can name, so this is the one
 * place that casts to them (ESLint refuses such casts anywhere else).
 */
import { algorithmOf, computeDigest, parseDigest, shortDigest, type DigestAlgorithm } from './digest';
import { RegscopeError } from './errors';
import { parseManifest } from './manifest';
import { isImageConfigType } from './media-types';
import { signedSchema1Document } from './schema1-marks';
import type { Descriptor, Digest, Manifest, UntrustedObject, Verification, Verified, VerifiedConfig, VerifiedManifest } from './model';

/**
 * What the caller knows a manifest's digest should be. Without a digest (`unpinned`) the result's
 * basis is `header` when the registry's Docker-Content-Digest agrees, else `unpinned`.
 */
export type Expectation = { basis: 'pinned' | 'parent'; digest: Digest; size?: number } | { basis: 'unpinned' };

interface Checked {
	bytes: Verified<Uint8Array>;
	verification: Verification;
}

function checkSize(what: string, bytes: Uint8Array, size: number, expected: Digest) {
	if (bytes.length !== size) {
		throw new RegscopeError(
			'SIZE_MISMATCH',
			`the ${what} ${shortDigest(expected)} should be ${size} bytes but the registry sent ${bytes.length}; the content is not what was referenced, so it was not used (retry, or report it to the registry operator)`,
			{ expected: size, actual: bytes.length, digest: expected }
		);
	}
}

/**
 * Compares the registry's header with our own digest of the same bytes. null when absent or of
 * an algorithm we cannot compute; a malformed header counts as disagreeing.
 */
async function compareHeader(header: string | null, bytes: Uint8Array, computed: Digest): Promise<boolean | null> {
	if (header === null) return null;
	let claimed: Digest;
	try {
		claimed = parseDigest(header.trim(), 'Docker-Content-Digest');
	} catch (e) {
		return e instanceof RegscopeError && e.code === 'UNSUPPORTED_DIGEST' ? null : false;
	}
	const algorithm = algorithmOf(claimed);
	const ours = algorithm === algorithmOf(computed) ? computed : await computeDigest(bytes, algorithm);
	return ours === claimed;
}

/**
 * `digested` is what the digest covers when it is not the whole object: a signed schema1
 * manifest's JWS payload. The size check is always on the bytes received; the result is the
 * digested bytes, now verified.
 */
async function check(what: string, obj: UntrustedObject, expect: Expectation, digested: Uint8Array = obj.bytes): Promise<Checked> {
	const bytes = digested;
	let algorithm: DigestAlgorithm = 'sha256';
	if (expect.basis !== 'unpinned') {
		// Size first: it is cheap and bounds what gets hashed (image-spec descriptor.md).
		if (expect.size !== undefined) checkSize(what, obj.bytes, expect.size, expect.digest);
		algorithm = algorithmOf(expect.digest);
	}
	const computed = await computeDigest(bytes, algorithm);
	if (expect.basis !== 'unpinned' && computed !== expect.digest) {
		throw new RegscopeError(
			'DIGEST_MISMATCH',
			`the ${what} does not match its digest: expected ${expect.digest}, but the ${bytes.length} bytes ${bytes === obj.bytes ? 'received' : 'of its JWS payload (schema1: the digest excludes the signatures)'} hash to ${computed}. The registry (or something between it and regscope) sent other content; it was not used. Retry, and if it persists report it to the registry operator.`,
			{ expected: expect.digest, actual: computed, size: bytes.length }
		);
	}
	const headerAgrees = await compareHeader(obj.dockerContentDigest, bytes, computed);
	const verification: Verification = {
		basis: expect.basis === 'unpinned' && headerAgrees === true ? 'header' : expect.basis,
		digest: computed,
		size: obj.bytes.length,
		headerDigest: obj.dockerContentDigest,
		headerAgrees
	};
	if (expect.basis !== 'unpinned') verification.expected = expect.digest;
	return { bytes: bytes as Verified<Uint8Array>, verification };
}

/**
 * Checks a manifest's bytes against what was expected, then classifies and parses them.
 * `unpinned` (fetched by tag) has nothing to compare with: the result says what the tag resolved
 * to now, and `verification.headerAgrees === false` is for the caller to warn about.
 *
 * A signed schema1 manifest is identified by its JWS payload, not its bytes (the signatures cannot
 * sign themselves, so Docker digests the document without them): the payload
 * is rebuilt from the signatures' formatLength/formatTail (nothing else of the document is read),
 * hashed and checked like any manifest, and only the verified payload is parsed. Its signatures are
 * then checked over that payload; an invalid one is reported, never thrown.
 */
export async function verifyManifest(obj: UntrustedObject, expect: Expectation): Promise<VerifiedManifest> {
	// The envelope code is loaded only for a signed schema1 document; anything else is hashed whole.
	const envelope = signedSchema1Document(obj.bytes) ? (await import('./schema1')).schema1Envelope(obj.bytes) : null;
	const { bytes, verification } = await check('manifest', obj, expect, envelope?.payload);
	const signed = envelope !== null;
	const { manifest, mediaType, sniffed } = await parseManifest(bytes, obj.contentType, { signed });
	if (manifest.kind === 'schema1' && envelope) {
		const { verifySignatures } = await import('./jws');
		manifest.signatures = await verifySignatures(envelope.signatures, bytes);
	}
	// An image's config comes next: its reader starts loading now, while the config is fetched.
	if (manifest.kind === 'image') void configReader();
	const verified = { verification, manifest, bytes: obj.bytes, mediaType, sniffed };
	return (envelope ? { ...verified, payload: bytes } : verified) as VerifiedManifest;
}

/** The config parser, loaded on first use: a page's first paint does not need it. */
const configReader = () => import('./config');

/**
 * Starts loading the config parser now (a permalink's load calls it, so the parser arrives with the page's
 * own code instead of after it, on the way to the verdict).
 */
export function warmConfigReader(): void {
	configReader().catch(() => {
		/* verifyConfig reports any failure when the parser is actually needed */
	});
}

/** Narrows a verified manifest by kind, keeping the value (and its proof) as it is. */
export function isKind<K extends Manifest['kind']>(
	v: VerifiedManifest,
	...kinds: K[]
): v is VerifiedManifest<Extract<Manifest, { kind: K }>> {
	return (kinds as string[]).includes(v.manifest.kind);
}

/** Checks a config blob against the manifest's config descriptor, then parses it. */
export async function verifyConfig(obj: UntrustedObject, descriptor: Descriptor): Promise<VerifiedConfig> {
	if (!isImageConfigType(descriptor.mediaType)) {
		throw new RegscopeError(
			'UNSUPPORTED_MEDIA_TYPE',
			`config type ${descriptor.mediaType} is not an image config; show the manifest without parsing it`,
			{ mediaType: descriptor.mediaType }
		);
	}
	const expect = { basis: 'parent', digest: descriptor.digest, size: descriptor.size } as const;
	const { bytes, verification } = await check('image config', obj, expect);
	const { parseConfig } = await configReader();
	return { verification, config: parseConfig(bytes), bytes } as VerifiedConfig;
}

/**
 * Checks raw bytes (a blob to display as-is) against a digest and optional size. The result is
 * only the bytes: parsing them is the job of the functions above.
 */
export async function verifyBytes(bytes: Uint8Array, digest: Digest, size?: number): Promise<Verified<Uint8Array>> {
	const untrusted = { bytes, contentType: null, dockerContentDigest: null };
	return (await check('blob', untrusted, { basis: 'parent', digest, size })).bytes;
}
