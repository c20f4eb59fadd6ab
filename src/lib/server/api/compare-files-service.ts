/**
 * The `Files` section of `GET /api/compare?…&files=1`: every distinct layer of both images streamed and
 * checked on the server with the page's code (`checkLayer`, per-file content digests, the same plan and
 * merge), one at a time, each under the layer cap and the client's layer-stream slots. A layer that does not
 * verify fails the whole call with DIGEST_MISMATCH: no file from it is reported.
 */
import { compareFiles, planFiles, sideEntries, toFilesJson, type FilesJson, type VerifiedLayer } from '$lib/oci/compare';
import { FileDigests } from '$lib/oci/compare/file-digests';
import { RegscopeError } from '$lib/oci/errors';
import { checkLayer, ListingBuilder } from '$lib/oci/layer';
import type { Inspection } from '$lib/oci/model';
import type { RegistrySourceOptions } from '../registry/client';
import { openLayer } from './layer-stream';

export interface FilesCall extends Pick<RegistrySourceOptions, 'credentials' | 'report'> {
	client: string;
	signal: AbortSignal;
}

export async function compareFilesJson(ia: Inspection, ib: Inspection, call: FilesCall): Promise<FilesJson> {
	if (ia.format !== 'image' || ib.format !== 'image') {
		throw new RegscopeError(
			'INVALID_REQUEST',
			'files=1 compares two images; one side is an index without a chosen platform or a schema1 image (no diff_ids to verify layers against)'
		);
	}
	const plan = planFiles({ inspection: ia }, { inspection: ib });
	if (plan.unavailable) throw new RegscopeError('INVALID_REQUEST', `files cannot be compared: ${plan.unavailable}`);
	const verified: Record<string, VerifiedLayer> = {};
	for (const job of plan.jobs) {
		const ref = (job.side === 'a' ? ia : ib).reference;
		const { digest, size, mediaType } = job.descriptor;
		const layer = await openLayer({ ref, digest, size, client: call.client, signal: call.signal }, call);
		const listing = new ListingBuilder();
		const digests = await FileDigests.create();
		const result = await checkLayer({
			body: layer.body,
			digest,
			size,
			mediaType,
			diffId: job.diffId,
			signal: call.signal,
			onEntry: (e) => {
				digests.entry(e);
				listing.add(e);
			},
			onData: (e, chunk) => digests.data(e, chunk)
		}).catch((e: unknown) => {
			throw e instanceof RegscopeError ? e : new RegscopeError('UPSTREAM_ERROR', `the transfer of layer ${digest} broke off`);
		});
		if (result.verdict !== 'verified') {
			throw new RegscopeError('DIGEST_MISMATCH', `${job.side}: layer ${digest} failed verification: ${result.problems.join('; ')}`, {
				digest: result.digest.actual,
				diffId: result.diffId.actual
			});
		}
		if (result.tarError) throw new RegscopeError('INVALID_LAYER', `${job.side}: layer ${digest}: ${result.tarError}`);
		verified[job.key] = { listing: listing.listing(), digests: digests.finish() };
	}
	return toFilesJson(compareFiles(sideEntries(plan.a, verified), sideEntries(plan.b, verified)));
}
