import { endpoint } from '$lib/server/api/pipeline';
import { compareImages } from '$lib/server/api/compare-service';

export const GET = endpoint('/api/compare', compareImages, { reportInBody: true });
