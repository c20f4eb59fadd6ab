import type { RequestHandler } from './$types';
import { CREDENTIALS_HEADER, parseCredentialsHeader } from '$lib/server/registry/credentials';
import { proxyManifest } from '$lib/server/api/proxy-service';
import type { SourceReport } from '$lib/server/registry/client';
import { errorResponse, withCallReport } from '$lib/server/api/respond';

// The custom-header and cross-site checks for every proxy endpoint are in hooks.server.ts.
export const GET: RequestHandler = async ({ url, request }) => {
	try {
		const credentials = parseCredentialsHeader(request.headers.get(CREDENTIALS_HEADER)) ?? undefined;
		const report: SourceReport = {};
		const res = await proxyManifest(url, { credentials, report });
		return await withCallReport(res, report, credentials !== undefined);
	} catch (e) {
		return errorResponse(e, 'GET /api/registry/manifest');
	}
};
