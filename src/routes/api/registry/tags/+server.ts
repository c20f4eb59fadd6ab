import type { RequestHandler } from './$types';
import { proxyTags } from '$lib/server/proxy-service';
import { errorResponse } from '$lib/server/respond';

export const GET: RequestHandler = async ({ url }) => {
	try {
		return await proxyTags(url);
	} catch (e) {
		return errorResponse(e, 'GET /api/registry/tags');
	}
};
