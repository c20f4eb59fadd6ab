import type { RequestHandler } from './$types';
import { chainResponse, parseChainQuery } from '$lib/server/api/chain-service';
import { CREDENTIALS_HEADER, parseCredentialsHeader } from '$lib/server/registry/credentials';
import type { SourceReport } from '$lib/server/registry/client';
import { errorResponse, withCallReport } from '$lib/server/api/respond';

export const GET: RequestHandler = async ({ url, request }) => {
	// Only this site's own pages may use it: X-Registry-Proxy and Sec-Fetch-Site are checked in hooks.server.ts.
	let credentials;
	try {
		credentials = parseCredentialsHeader(request.headers.get(CREDENTIALS_HEADER)) ?? undefined;
	} catch (e) {
		return errorResponse(e, 'GET /api/chain');
	}
	// The rate limit the registry reported and the use of operator credentials go back in headers, as on the proxy.
	const report: SourceReport = {};
	const res = await chainResponse(() => parseChainQuery(url), {
		credentials,
		ifNoneMatch: request.headers.get('if-none-match'),
		report
	});
	return withCallReport(res, report, credentials !== undefined);
};
