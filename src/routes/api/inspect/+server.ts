import type { RequestHandler } from './$types';
import { inspectImage, parseInspectQuery } from '$lib/server/inspect-service';
import { errorResponse } from '$lib/server/respond';

export const GET: RequestHandler = async ({ url }) => {
	try {
		return await inspectImage(parseInspectQuery(url));
	} catch (e) {
		return errorResponse(e, 'GET /api/inspect');
	}
};
