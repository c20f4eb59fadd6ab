import { endpoint } from '$lib/server/api/pipeline';
import { referrersAnswer } from '$lib/server/api/referrers-service';

export const GET = endpoint('/api/referrers', referrersAnswer, { reportInBody: true });
