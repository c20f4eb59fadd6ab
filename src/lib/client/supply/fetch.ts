/**
 * The supply panel's requests: the referrers report (the server's discovery; a list of digests the page
 * then verifies itself), referrer manifests through the proxy, and layer documents with progress.
 * Every manifest and document is checked against the digest that named it before anything reads it.
 */
import { errorFromBody, RegscopeError } from '$lib/oci/errors';
import type { Descriptor, Digest, Verified, VerifiedManifest } from '$lib/oci/model';
import { verifyBytes, verifyManifest } from '$lib/oci/verify';
import { DOCUMENT_MAX_BYTES, type ReferrersReport } from '$lib/oci/supply/referrers';
import { proxyHeaders, proxySource } from '../source';

function headers(authorization?: string): HeadersInit {
	return proxyHeaders(authorization);
}

async function failure(res: Response, what: string): Promise<RegscopeError> {
	const body: unknown = await res.json().catch(() => null);
	return errorFromBody(body, `${what}: the server answered HTTP ${res.status}`);
}

export async function fetchReferrers(
	reference: string,
	platform: string | undefined,
	authorization?: string,
	signal?: AbortSignal
): Promise<ReferrersReport> {
	const q = new URLSearchParams({ ref: reference });
	if (platform) q.set('platform', platform);
	let res: Response;
	try {
		res = await fetch(`/api/referrers?${q}`, { headers: headers(authorization), cache: 'no-store', signal });
	} catch (e) {
		if (signal?.aborted) throw e;
		throw new RegscopeError('UPSTREAM_ERROR', 'referrers: could not reach the regscope server');
	}
	if (!res.ok) throw await failure(res, 'referrers');
	const body = (await res.json()) as ReferrersReport;
	if (!Array.isArray(body.Referrers) || !Array.isArray(body.Discovery)) {
		throw new RegscopeError('UPSTREAM_ERROR', 'referrers: the server sent an answer without Referrers and Discovery');
	}
	return body;
}

/** A referrer manifest, fetched by digest and verified against that digest and size. */
export async function fetchReferrerManifest(repo: string, digest: Digest, size: number, authorization?: string): Promise<VerifiedManifest> {
	const source = proxySource(repo, fetch, authorization ? { authorization } : {});
	return verifyManifest(await source.manifest(digest), { basis: 'parent', digest, size });
}

/**
 * A layer document, streamed with progress (`onProgress(received, total)`), refused before any request
 * when its descriptor is over the cap, and verified against its digest and size.
 */
export async function fetchDocument(
	repo: string,
	layer: Descriptor,
	onProgress: (received: number, total: number) => void,
	signal: AbortSignal,
	authorization?: string
): Promise<Verified<Uint8Array>> {
	if (layer.size > DOCUMENT_MAX_BYTES) {
		throw new RegscopeError(
			'BLOB_TOO_LARGE',
			`this document is ${layer.size} bytes; the page reads documents up to ${DOCUMENT_MAX_BYTES} bytes`
		);
	}
	const q = new URLSearchParams({ ref: repo, digest: layer.digest, size: String(layer.size) });
	const res = await fetch(`/api/registry/document?${q}`, { headers: headers(authorization), cache: 'no-store', signal });
	if (!res.ok) throw await failure(res, `document ${layer.digest}`);
	const out = new Uint8Array(layer.size);
	let received = 0;
	const reader = res.body?.getReader();
	while (reader) {
		const { done, value } = await reader.read();
		if (done) break;
		if (received + value.length > layer.size) {
			await reader.cancel();
			throw new RegscopeError(
				'SIZE_MISMATCH',
				`document ${layer.digest} is longer than its descriptor's ${layer.size} bytes; it was not used`
			);
		}
		out.set(value, received);
		received += value.length;
		onProgress(received, layer.size);
	}
	return verifyBytes(out.subarray(0, received), layer.digest as Digest, layer.size);
}
