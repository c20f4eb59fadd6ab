/**
 * What the permalink page's server render adds to the parsed reference: the chain answer when this
 * server already holds it (so the browser can verify without asking again), and whether the registry is
 * reached over plain http (so the page's commands carry the tools' insecure flags). Never contacts a
 * registry: a page render must not wait on one.
 */
import type { Reference } from '$lib/oci/model';
import EARLY_VERDICT from '$lib/client/early-verdict.js?raw';
import { apiHost } from '$lib/oci/reference';
import { getCache } from '../cache/store';
import { chainMemoKey } from './chain-service';
import { getSettings, hostListed, normalizeHost } from '../settings';

/** The cached `/api/chain` answer (parsed JSON) for a digest reference, or null when it is not held. */
export function cachedChainAnswer(ref: Reference, platform?: string): unknown {
	const key = chainMemoKey(ref, platform);
	const hit = key ? getCache().peekMemo(key) : undefined;
	if (!hit) return null;
	try {
		return JSON.parse(new TextDecoder().decode(hit)) as unknown;
	} catch {
		return null;
	}
}

/** true when the operator lists this registry as reached over plain http (REGSCOPE_INSECURE_REGISTRIES). */
export function reachedOverHttp(ref: Reference): boolean {
	try {
		const u = new URL(`http://${apiHost(ref)}/`);
		return hostListed(getSettings().insecureRegistries, normalizeHost(u.hostname), u.port ? Number(u.port) : 80);
	} catch {
		return false;
	}
}

/** Where app.html leaves room for the early verdict: in the head, before the stylesheet. */
const SLOT = '<!--regscope:early-verdict-->';

/**
 * The page's HTML with the held chain answer in it, once (the load reads it there, not from SvelteKit's data),
 * and the early verdict that checks it before the page's JavaScript has loaded (its hash is in the CSP); without
 * an answer, just without the slot. Both go in the head, before the stylesheet, so the script runs at once
 * (an inline script waits for the stylesheets before it) and writes its verdict as soon as the placeholder
 * is parsed. `<` is escaped so that no byte of the answer can end the element.
 */
export function withChainInPage(html: string, answer: unknown): string {
	if (answer === undefined) return html.replace(SLOT, '');
	const json = JSON.stringify(answer).replace(/</g, '\\u003c');
	return html.replace(SLOT, () => `<script type="application/json" id="regscope-chain">${json}</script><script>${EARLY_VERDICT}</script>`);
}
