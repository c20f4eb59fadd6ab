import { endpoint } from '$lib/server/api/pipeline';
import { layerListing } from '$lib/server/api/layer-service';

export const GET = endpoint('/api/layer', layerListing, { reportInBody: true });
