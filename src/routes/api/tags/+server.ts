import type { RequestHandler } from './$types';
import { CREDENTIALS_HEADER, parseCredentialsHeader } from '$lib/server/registry/credentials';
import type { SourceReport } from '$lib/server/registry/client';
import { errorResponse, withCallReport } from '$lib/server/api/respond';
import { parseTagsQuery, tagsAnswer } from '$lib/server/api/tags-service';

export const GET: RequestHandler = async ({ url, request }) => {
	try {
		const credentials = parseCredentialsHeader(request.headers.get(CREDENTIALS_HEADER)) ?? undefined;
		const report: SourceReport = {};
		const res = await tagsAnswer(() => parseTagsQuery(url), { credentials, report });
		return await withCallReport(res, report, credentials !== undefined, true);
	} catch (e) {
		return errorResponse(e, 'GET /api/tags');
	}
};
