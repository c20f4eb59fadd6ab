import { endpoint } from '$lib/server/api/pipeline';
import { tagsAnswer } from '$lib/server/api/tags-service';

export const GET = endpoint('/api/tags', tagsAnswer, { reportInBody: true });
