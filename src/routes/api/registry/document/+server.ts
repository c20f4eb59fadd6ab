import { endpoint } from '$lib/server/api/pipeline';
import { proxyDocument } from '$lib/server/api/document-service';

// The custom-header and cross-site checks for every proxy endpoint are in hooks.server.ts.
export const GET = endpoint('/api/registry/document', proxyDocument);
