import type { RequestHandler } from './$types';
import { proxyManifest } from '$lib/server/proxy-service';
import { errorResponse } from '$lib/server/respond';

export const GET: RequestHandler = async ({ url }) => {
	try {
		return await proxyManifest(url);
	} catch (e) {
		return errorResponse(e, 'GET /api/registry/manifest');
	}
};
