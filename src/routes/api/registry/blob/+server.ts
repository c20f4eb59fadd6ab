import type { RequestHandler } from './$types';
import { proxyBlob } from '$lib/server/proxy-service';
import { errorResponse } from '$lib/server/respond';

export const GET: RequestHandler = async ({ url }) => {
	try {
		return await proxyBlob(url);
	} catch (e) {
		return errorResponse(e, 'GET /api/registry/blob');
	}
};
