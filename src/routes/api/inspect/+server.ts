import type { RequestHandler } from './$types';
import { inspectImage, parseInspectQuery } from '$lib/server/api/inspect-service';
import { CREDENTIALS_HEADER, parseCredentialsHeader } from '$lib/server/registry/credentials';
import type { SourceReport } from '$lib/server/registry/client';
import { errorResponse, withCallReport } from '$lib/server/api/respond';

export const GET: RequestHandler = async ({ url, request }) => {
	try {
		// Optional registry credentials for this one call (never in the URL; see credentials.ts).
		const credentials = parseCredentialsHeader(request.headers.get(CREDENTIALS_HEADER)) ?? undefined;
		const report: SourceReport = {};
		const res = await inspectImage(
			() => parseInspectQuery(url),
			{ credentials, report },
			{ ifNoneMatch: request.headers.get('if-none-match') }
		);
		return await withCallReport(res, report, credentials !== undefined, true);
	} catch (e) {
		return errorResponse(e, 'GET /api/inspect');
	}
};
