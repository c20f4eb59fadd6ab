import type { RequestHandler } from './$types';
import { inspectImage, parseInspectQuery } from '$lib/server/inspect-service';
import { errorResponse } from '$lib/server/respond';

export const GET: RequestHandler = async ({ url, request }) => {
	try {
		return await inspectImage(() => parseInspectQuery(url), {}, { ifNoneMatch: request.headers.get('if-none-match') });
	} catch (e) {
		return errorResponse(e, 'GET /api/inspect');
	}
};
