/**
 * The chain answer the server embedded in a permalink's HTML, verified in the page's load, before the page
 * is drawn: the page then starts in its final state (verified) instead of drawing "checking" and then
 * everything again. It is the core's `inspectAny`, the same checks as every other inspection, over a source
 * that answers only from the embedded objects: nothing is fetched here. Anything short of a verified
 * inspection (an object missing, a mismatch, an error) gives null, and the page inspects as usual, through
 * the same answer and the proxy, which produces the verdict and the error people see.
 */
import { inspectAny, type RegistrySource } from '$lib/oci/inspect';
import type { AnyInspection, Reference } from '$lib/oci/model';
import { chainSource, embeddedChain } from './source';
import { repositoryName } from '$lib/oci/reference';

export async function verifyEmbedded(reference: Reference, platform: string | undefined, body: unknown): Promise<AnyInspection | null> {
	// An object the chain lacks would be fetched through the proxy: here that fetch refuses instead.
	const refuse: typeof fetch = () => Promise.reject(new TypeError('not in the embedded chain'));
	const source: RegistrySource = chainSource(Promise.resolve(embeddedChain(body)), repositoryName(reference), refuse);
	try {
		return await inspectAny(source, reference, { platform });
	} catch {
		return null;
	}
}

/** The chain answer the server put in this page's HTML (beside the early verdict), or null. */
export function chainInPage(): unknown {
	try {
		return JSON.parse(document.getElementById('regscope-chain')?.textContent ?? 'null') as unknown;
	} catch {
		return null;
	}
}
