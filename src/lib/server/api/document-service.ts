/**
 * `GET /api/registry/document?ref=REPO_REF&digest=D&size=N`: a referrer's layer (signature payload,
 * DSSE envelope, SBOM) passed through unchanged for the page, which verifies it against the digest.
 * Larger than config blobs, so capped separately (DOCUMENT_MAX_BYTES) and never cached by the server.
 */
import { RegscopeError } from '$lib/oci/errors';
import { parseDigest } from '$lib/oci/digest';
import { parseReference } from '$lib/oci/reference';
import { DOCUMENT_MAX_BYTES } from '$lib/oci/supply/referrers';
import { createRegistrySource, type RegistrySourceOptions } from '../registry/client';
import { bytesHeaders, requireParam } from './respond';
import { getSettings } from '../settings';
import { counted } from '../net/upstream-count';

export function proxyDocument(url: URL, opts: Pick<RegistrySourceOptions, 'credentials' | 'report'> = {}): Promise<Response> {
	return counted('/api/registry/document', async () => {
		const ref = parseReference(requireParam(url, 'ref'));
		const digest = parseDigest(requireParam(url, 'digest').trim(), 'digest', 'INVALID_REQUEST');
		const sizeText = requireParam(url, 'size').trim();
		if (!/^\d{1,15}$/.test(sizeText)) throw new RegscopeError('INVALID_REQUEST', 'the query parameter "size" must be a non-negative integer');
		const source = createRegistrySource(ref, { ...opts, signal: AbortSignal.timeout(getSettings().limits.overallTimeoutMs) });
		const obj = await source.document({ mediaType: 'application/octet-stream', digest, size: Number(sizeText) }, DOCUMENT_MAX_BYTES);
		// Not marked immutable: the server did not check the bytes; the page does.
		const headers = { ...bytesHeaders(obj.contentType, false), 'cache-control': 'no-store', 'content-length': String(obj.bytes.length) };
		return new Response(obj.bytes as Uint8Array<ArrayBuffer>, { status: 200, headers });
	});
}
