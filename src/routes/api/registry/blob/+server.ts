import { endpoint } from '$lib/server/api/pipeline';
import { proxyBlob } from '$lib/server/api/proxy-service';
import { proxyLayer } from '$lib/server/api/layer-service';

// The custom-header and cross-site checks for every proxy endpoint are in hooks.server.ts.
export const GET = endpoint('/api/registry/blob', (call) =>
	call.url.searchParams.get('layer') === '1' ? proxyLayer(call) : proxyBlob(call)
);
