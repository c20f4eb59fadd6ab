import type { RequestHandler } from './$types';
import { chainResponse, parseChainQuery } from '$lib/server/chain-service';
import { CREDENTIALS_HEADER, parseCredentialsHeader } from '$lib/server/credentials';
import { errorJson, errorResponse } from '$lib/server/respond';

export const GET: RequestHandler = async ({ url, request }) => {
	// Like the per-object proxy: only this site's own pages may use it.
	if (request.headers.get('sec-fetch-site') === 'cross-site') {
		return errorJson('FORBIDDEN', 'the chain endpoint only answers this site’s own pages');
	}
	let credentials;
	try {
		credentials = parseCredentialsHeader(request.headers.get(CREDENTIALS_HEADER)) ?? undefined;
	} catch (e) {
		return errorResponse(e, 'GET /api/chain');
	}
	return chainResponse(() => parseChainQuery(url), {
		credentials,
		ifNoneMatch: request.headers.get('if-none-match')
	});
};
