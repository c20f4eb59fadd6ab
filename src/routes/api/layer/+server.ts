import type { RequestHandler } from './$types';
import { CREDENTIALS_HEADER, parseCredentialsHeader } from '$lib/server/registry/credentials';
import { layerListing } from '$lib/server/api/layer-service';
import type { SourceReport } from '$lib/server/registry/client';
import { errorResponse, withCallReport } from '$lib/server/api/respond';

export const GET: RequestHandler = async ({ url, request, getClientAddress }) => {
	try {
		const credentials = parseCredentialsHeader(request.headers.get(CREDENTIALS_HEADER)) ?? undefined;
		const report: SourceReport = {};
		const res = await layerListing(url, { credentials, report, client: getClientAddress(), signal: request.signal });
		return await withCallReport(res, report, credentials !== undefined, true);
	} catch (e) {
		return errorResponse(e, 'GET /api/layer');
	}
};
