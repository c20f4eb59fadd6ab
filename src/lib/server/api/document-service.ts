/**
 * `GET /api/registry/document?ref=REPO_REF&digest=D&size=N`: a referrer's layer (signature payload,
 * DSSE envelope, SBOM) passed through unchanged for the page, which verifies it against the digest.
 * Larger than config blobs, so capped separately (DOCUMENT_MAX_BYTES) and never cached by the server.
 */
import { parseDigest } from '$lib/oci/digest';
import { parseReference } from '$lib/oci/reference';
import { DOCUMENT_MAX_BYTES } from '$lib/oci/supply/referrers';
import { createRegistrySource } from '../registry/client';
import { sourceOptions, type Answer, type ApiCall } from './answer';
import { requireParam, sizeParam } from './respond';

export async function proxyDocument(call: ApiCall): Promise<Answer> {
	const ref = parseReference(requireParam(call.url, 'ref'));
	const digest = parseDigest(requireParam(call.url, 'digest').trim(), 'digest', 'INVALID_REQUEST');
	const size = sizeParam(call.url);
	const source = createRegistrySource(ref, sourceOptions(call));
	const obj = await source.document({ mediaType: 'application/octet-stream', digest, size }, DOCUMENT_MAX_BYTES);
	// Not stored anywhere: the server did not check the bytes; the page does.
	return {
		kind: 'bytes',
		body: obj.bytes,
		contentType: obj.contentType,
		download: true,
		headers: { 'content-length': String(obj.bytes.length) },
		cache: 'no-store'
	};
}
