import { endpoint } from '$lib/server/api/pipeline';
import { catalogPage } from '$lib/server/api/catalog-service';

export const GET = endpoint('/api/catalog', catalogPage, { reportInBody: true });
