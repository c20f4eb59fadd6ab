import { endpoint } from '$lib/server/api/pipeline';
import { proxyTags } from '$lib/server/api/proxy-service';

// The custom-header and cross-site checks for every proxy endpoint are in hooks.server.ts.
export const GET = endpoint('/api/registry/tags', proxyTags);
