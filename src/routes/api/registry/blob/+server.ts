import type { RequestHandler } from './$types';
import { CREDENTIALS_HEADER, parseCredentialsHeader } from '$lib/server/registry/credentials';
import { proxyBlob } from '$lib/server/api/proxy-service';
import { proxyLayer } from '$lib/server/api/layer-service';
import type { SourceReport } from '$lib/server/registry/client';
import { errorResponse, withCallReport } from '$lib/server/api/respond';

// The custom-header and cross-site checks for every proxy endpoint are in hooks.server.ts.
export const GET: RequestHandler = async ({ url, request, getClientAddress }) => {
	try {
		const credentials = parseCredentialsHeader(request.headers.get(CREDENTIALS_HEADER)) ?? undefined;
		const report: SourceReport = {};
		const res =
			url.searchParams.get('layer') === '1'
				? await proxyLayer(url, {
						credentials,
						report,
						client: getClientAddress(),
						signal: request.signal,
						ifNoneMatch: request.headers.get('if-none-match')
					})
				: await proxyBlob(url, { credentials, report });
		return await withCallReport(res, report, credentials !== undefined);
	} catch (e) {
		return errorResponse(e, 'GET /api/registry/blob');
	}
};
