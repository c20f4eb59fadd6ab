import type { RequestHandler } from './$types';
import { catalogPage, parseCatalogQuery } from '$lib/server/api/catalog-service';
import { CREDENTIALS_HEADER, parseCredentialsHeader } from '$lib/server/registry/credentials';
import type { SourceReport } from '$lib/server/registry/client';
import { errorResponse, withCallReport } from '$lib/server/api/respond';

export const GET: RequestHandler = async ({ url, request }) => {
	try {
		const credentials = parseCredentialsHeader(request.headers.get(CREDENTIALS_HEADER)) ?? undefined;
		const report: SourceReport = {};
		const res = await catalogPage(() => parseCatalogQuery(url), { credentials, report });
		return await withCallReport(res, report, credentials !== undefined, true);
	} catch (e) {
		return errorResponse(e, 'GET /api/catalog');
	}
};
