import { endpoint } from '$lib/server/api/pipeline';
import { chainAnswer } from '$lib/server/api/chain-service';

// Only this site's own pages may use it: X-Registry-Proxy and Sec-Fetch-Site are checked in hooks.server.ts.
export const GET = endpoint('/api/chain', chainAnswer);
