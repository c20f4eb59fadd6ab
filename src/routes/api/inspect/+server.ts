import { endpoint } from '$lib/server/api/pipeline';
import { inspectImage } from '$lib/server/api/inspect-service';

export const GET = endpoint('/api/inspect', inspectImage, { reportInBody: true });
