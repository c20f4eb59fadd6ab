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
import { cachedRegistrySource, isCredentialed } from '../cache/cached-source';
import { digestEtag, etagMatches } from '../cache/http-cache';
import { openLayer } from './layer-stream';
import { json, sourceOptions, type Answer, type ApiCall } from './answer';
import { requireParam, sizeParam } from './respond';

/**
 * `GET /api/registry/blob?ref=REPO_REF&digest=D&size=N&layer=1`: the layer's bytes, streamed (cut before
 * their last chunk when they do not hash to the digest, so an immutable answer is never a wrong one).
 * The stream follows the client, not the call's deadline: a large layer may take longer.
 */
export async function proxyLayer(call: ApiCall): Promise<Answer> {
	const ref = parseReference(requireParam(call.url, 'ref'));
	const digest = parseDigest(requireParam(call.url, 'digest').trim(), 'digest', 'INVALID_REQUEST');
	const size = sizeParam(call.url);
	const etag = digestEtag(digest);
	if (!isCredentialed(call) && etagMatches(call.ifNoneMatch, etag)) return { kind: 'not-modified', etag, cache: 'immutable' };
	const layer = await openLayer(
		{ ref, digest, size, client: call.client, signal: call.clientSignal },
		{ credentials: call.credentials, report: call.report }
	);
	return {
		kind: 'bytes',
		body: layer.body,
		contentType: 'application/octet-stream',
		download: true,
		headers: { 'content-length': String(layer.size), 'docker-content-digest': digest },
		cache: 'immutable',
		etag
	};
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
export async function layerListing(call: ApiCall): Promise<Answer> {
	const url = call.url;
	const ref = parseReference(requireParam(url, 'ref'));
	const digest = parseDigest(requireParam(url, 'digest').trim(), 'digest', 'INVALID_REQUEST');
	const platform = url.searchParams.get('platform')?.trim() || undefined;
	const source = cachedRegistrySource(ref, sourceOptions(call));
	const inspection = await inspect(source, ref, platform ? { platform } : {});
	if (inspection.format === 'schema1' || !inspection.config) {
		throw new RegscopeError(
			'INVALID_REQUEST',
			`${url.searchParams.get('ref')} has no image config with diff_ids, so its layers cannot be verified`
		);
	}
	const layers = inspection.manifest.manifest.layers;
	const i = layers.findIndex((l) => l.digest === digest);
	if (i < 0)
		throw new RegscopeError('NOT_FOUND', `${digest} is not a layer of ${url.searchParams.get('ref')}${platform ? ` (${platform})` : ''}`);
	const d = layers[i]!;
	if (d.urls?.length) {
		throw new RegscopeError(
			'INVALID_REQUEST',
			`layer ${digest} is a foreign layer (its bytes live at the URLs it lists, which regscope never fetches)`
		);
	}
	const diffId = (inspection.config.config.rootfs.diff_ids[i] ?? null) as Digest | null;
	const layer = await openLayer({ ref, digest, size: d.size, client: call.client, signal: call.clientSignal }, call);
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
	if (!result)
		throw broken instanceof RegscopeError ? broken : new RegscopeError('UPSTREAM_ERROR', `the transfer of layer ${digest} broke off`);
	if (result.verdict !== 'verified') {
		throw new RegscopeError('DIGEST_MISMATCH', `layer ${digest} failed verification: ${result.problems.join('; ')}`, {
			digest: result.digest.actual,
			diffId: result.diffId.actual
		});
	}
	if (result.tarError) throw new RegscopeError('INVALID_LAYER', result.tarError);
	const { files, whiteouts } = listing.listing();
	return json(
		{
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
		},
		'no-store'
	);
}
