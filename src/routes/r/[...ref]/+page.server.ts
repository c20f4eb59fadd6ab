/**
 * Server half of the permalink's load: only what this server knows without asking a registry (see
 * permalink-data.ts). The universal load in +page.ts does the parsing that both sides need.
 */
import type { PageServerLoad } from './$types';
import { parseReference } from '$lib/oci/reference';
import { cachedChainAnswer, reachedOverHttp } from '$lib/server/api/permalink-data';

export const load: PageServerLoad = ({ params, url }) => {
	const platform = url.searchParams.get('platform')?.trim() || undefined;
	try {
		const ref = parseReference(params.ref);
		return { embeddedChain: cachedChainAnswer(ref, platform), insecure: reachedOverHttp(ref) };
	} catch {
		return { embeddedChain: null, insecure: false };
	}
};
