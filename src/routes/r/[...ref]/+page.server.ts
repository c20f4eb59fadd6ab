/**
 * Server half of the permalink's load: only what this server knows without asking a registry (see
 * permalink-data.ts). The universal load in +page.ts does the parsing that both sides need.
 */
import type { PageServerLoad } from './$types';
import { parseReference } from '$lib/oci/reference';
import { cachedChainAnswer, reachedOverHttp } from '$lib/server/api/permalink-data';

export const load: PageServerLoad = ({ params, url, isDataRequest, locals }) => {
	const platform = url.searchParams.get('platform')?.trim() || undefined;
	try {
		const ref = parseReference(params.ref);
		const chain = cachedChainAnswer(ref, platform);
		const insecure = reachedOverHttp(ref);
		// In a page's HTML the answer travels once, beside the early verdict that reads it (hooks.server.ts puts
		// both there); a client-side navigation's data request carries it in the data instead.
		if (chain !== null && !isDataRequest) {
			locals.embeddedChain = chain;
			return { embeddedChain: null, chainInPage: true, insecure };
		}
		return { embeddedChain: chain, chainInPage: false, insecure };
	} catch {
		return { embeddedChain: null, chainInPage: false, insecure: false };
	}
};
