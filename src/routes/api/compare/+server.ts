import type { RequestHandler } from './$types';
import { compareImages, parseCompareQuery } from '$lib/server/api/compare-service';
import { CREDENTIALS_HEADER, parseCredentialsHeader } from '$lib/server/registry/credentials';
import type { SourceReport } from '$lib/server/registry/client';
import { errorResponse, withCallReport } from '$lib/server/api/respond';

export const GET: RequestHandler = async ({ url, request, getClientAddress }) => {
	try {
		// Optional registry credentials for this one call (never in the URL; see credentials.ts).
		const credentials = parseCredentialsHeader(request.headers.get(CREDENTIALS_HEADER)) ?? undefined;
		const report: SourceReport = {};
		const res = await compareImages(() => parseCompareQuery(url), { credentials, report }, getClientAddress());
		return await withCallReport(res, report, credentials !== undefined, true);
	} catch (e) {
		return errorResponse(e, 'GET /api/compare');
	}
};
