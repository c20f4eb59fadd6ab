/**
 * The two layer endpoints: the browser proxy's layer mode (`/api/registry/blob?…&layer=1`, bytes streamed
 * for the page to verify) and `GET /api/layer` (the server runs the same `$lib/oci/layer` check and answers
 * the listing as JSON).
 */
import { RegscopeError } from '$lib/oci/errors';
import { parseDigest } from '$lib/oci/digest';
import { inspect } from '$lib/oci/inspect';
import { checkLayer, ListingBuilder } from '$lib/oci/layer';
import type { Digest } from '$lib/oci/model';
import { parseReference } from '$lib/oci/reference';
import { cachedRegistrySource, digestEtag, etagMatches, isCredentialed, notModified } from '../cache/cache';
import { openLayer } from './layer-stream';
import type { RegistrySourceOptions } from '../registry/client';
import { bytesHeaders, json, requireParam } from './respond';
import { getSettings } from '../settings';
import { counted } from '../net/upstream-count';

export interface LayerCall extends Pick<RegistrySourceOptions, 'credentials' | 'report'> {
	client: string;
	signal: AbortSignal;
	ifNoneMatch?: string | null;
}

/** `GET /api/registry/blob?ref=REPO_REF&digest=D&size=N&layer=1`: the layer's bytes, streamed. */
export function proxyLayer(url: URL, call: LayerCall): Promise<Response> {
	return counted('/api/registry/blob (layer)', async () => {
		const ref = parseReference(requireParam(url, 'ref'));
		const digest = parseDigest(requireParam(url, 'digest').trim(), 'digest', 'INVALID_REQUEST');
		const sizeText = requireParam(url, 'size').trim();
		if (!/^\d{1,15}$/.test(sizeText)) {
			throw new RegscopeError('INVALID_REQUEST', 'the query parameter "size" must be a non-negative integer');
		}
		const anonymous = !isCredentialed(call);
		if (anonymous && etagMatches(call.ifNoneMatch ?? null, digestEtag(digest))) return notModified(digestEtag(digest));
		const layer = await openLayer(
			{ ref, digest, size: Number(sizeText), client: call.client, signal: call.signal },
			{ credentials: call.credentials, report: call.report }
		);
		const headers = bytesHeaders('application/octet-stream', anonymous);
		headers['content-length'] = String(layer.size);
		headers['docker-content-digest'] = digest;
		if (anonymous) headers.etag = digestEtag(digest);
		return new Response(layer.body, { status: 200, headers });
	});
}

function rfc3339(seconds: number): string {
	const ms = seconds * 1000;
	return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : '';
}

/**
 * `GET /api/layer?ref=REF&digest=LAYER[&platform=…]`: the layer of that image, streamed through the
 * server and checked (digest, diff_id, tar) with the same code as the page. DIGEST_MISMATCH when either
 * digest fails; nothing from such a layer is listed.
 */
export function layerListing(url: URL, call: LayerCall): Promise<Response> {
	return counted('/api/layer', async () => {
		const ref = parseReference(requireParam(url, 'ref'));
		const digest = parseDigest(requireParam(url, 'digest').trim(), 'digest', 'INVALID_REQUEST');
		const platform = url.searchParams.get('platform')?.trim() || undefined;
		const source = cachedRegistrySource(ref, {
			credentials: call.credentials,
			report: call.report,
			signal: AbortSignal.any([call.signal, AbortSignal.timeout(getSettings().limits.overallTimeoutMs)])
		});
		const inspection = await inspect(source, ref, platform ? { platform } : {});
		if (inspection.format === 'schema1' || !inspection.config) {
			throw new RegscopeError('INVALID_REQUEST', `${url.searchParams.get('ref')} has no image config with diff_ids, so its layers cannot be verified`);
		}
		const layers = inspection.manifest.manifest.layers;
		const i = layers.findIndex((l) => l.digest === digest);
		if (i < 0) throw new RegscopeError('NOT_FOUND', `${digest} is not a layer of ${url.searchParams.get('ref')}${platform ? ` (${platform})` : ''}`);
		const d = layers[i]!;
		if (d.urls?.length) {
			throw new RegscopeError('INVALID_REQUEST', `layer ${digest} is a foreign layer (its bytes live at the URLs it lists, which regscope never fetches)`);
		}
		const diffId = (inspection.config.config.rootfs.diff_ids[i] ?? null) as Digest | null;
		const layer = await openLayer({ ref, digest, size: d.size, client: call.client, signal: call.signal }, call);
		const listing = new ListingBuilder();
		let broken: unknown = null;
		const result = await checkLayer({
			body: layer.body,
			digest,
			size: d.size,
			mediaType: d.mediaType,
			diffId,
			onEntry: (e) => listing.add(e)
		}).catch((e: unknown) => {
			broken = e;
			return null;
		});
		if (!result) throw broken instanceof RegscopeError ? broken : new RegscopeError('UPSTREAM_ERROR', `the transfer of layer ${digest} broke off`);
		if (result.verdict !== 'verified') {
			throw new RegscopeError('DIGEST_MISMATCH', `layer ${digest} failed verification: ${result.problems.join('; ')}`, {
				digest: result.digest.actual,
				diffId: result.diffId.actual
			});
		}
		if (result.tarError) throw new RegscopeError('INVALID_LAYER', result.tarError);
		const { files, whiteouts } = listing.listing();
		return json({
			Digest: digest,
			DiffID: result.diffId.actual,
			MediaType: d.mediaType,
			CompressedSize: result.compressedSize,
			UncompressedSize: result.uncompressedSize,
			Files: files.map((f) => ({
				Path: f.path,
				Type: f.type,
				Size: f.size,
				Mode: f.mode,
				UID: f.uid,
				GID: f.gid,
				...(f.uname ? { Uname: f.uname } : {}),
				...(f.gname ? { Gname: f.gname } : {}),
				ModTime: rfc3339(f.mtime),
				...(f.linkname !== undefined ? { Linkname: f.linkname } : {}),
				...(f.sparse ? { Sparse: true } : {})
			})),
			Whiteouts: whiteouts.map((w) => ({ Path: w.path, Opaque: w.opaque }))
		});
	});
}
