/**
 * The permalink's load: parse the reference (and platform) from the URL. No registry is contacted on the
 * server (its half, +page.server.ts, only embeds a chain answer it already holds). In the browser the
 * load starts the page's one `/api/chain` request (or takes the embedded answer) and hash-wasm's
 * compilation, so both run while the page hydrates; the request goes back in `data.chain` and the page's
 * InspectionView verifies every byte of it, as it would had it fetched the chain itself.
 */
import { browser } from '$app/environment';
import type { PageLoad } from './$types';
import { isRegscopeError, type ErrorBody } from '$lib/oci/errors';
import { familiarName, formatReference, repositoryName } from '$lib/oci/reference';
import { classifyInput } from '$lib/oci/classify';
import { parsePlatform } from '$lib/oci/platform';
import type { Reference } from '$lib/oci/model';
import { warmHasher } from '$lib/oci/digest';
import { warmConfigReader } from '$lib/oci/verify';
import { embeddedChain, requestChain, type ChainReply } from '$lib/client/source';
import { chainInPage, verifyEmbedded } from '$lib/client/embedded';
import type { AnyInspection } from '$lib/oci/model';
import { authorizationFor } from '$lib/client/credentials.svelte';
import type { Component } from 'svelte';

/** The registry and repository pages, loaded only for those kinds (an image permalink never needs them). */
type BrowseComponent = Component<{ registry: string; repository?: Reference }>;
const browsePage = async (): Promise<BrowseComponent> => (await import('$lib/components/browse/BrowsePage.svelte')).default;

/** The chain request the load started, and the credentials it carried (another set must ask again). */
export interface StartedChain {
	authorization: string | undefined;
	reply: Promise<ChainReply | null>;
	/** The embedded answer, already verified here (null: it was not embedded, or did not verify whole). */
	verified: AnyInspection | null;
}

export type PermalinkData =
	| {
			ok: true;
			kind: 'image';
			input: string;
			ref: Reference;
			canonical: string;
			platform?: string;
			/** The registry is reached over plain http: commands carry the tools' insecure flags. */
			insecure: boolean;
			chain: StartedChain | null;
			title: string;
			description: string;
	  }
	| { ok: true; kind: 'registry'; input: string; registry: string; page: BrowseComponent; title: string; description: string }
	| {
			ok: true;
			kind: 'repository';
			input: string;
			ref: Reference;
			canonical: string;
			page: BrowseComponent;
			title: string;
			description: string;
	  }
	| { ok: false; input: string; error: ErrorBody; title: string; description: string };

// `/r/myhost:5000/` (slash kept) is how a dotless registry is told apart from the image `myhost:5000`.
export const trailingSlash = 'ignore';

// The load reads `params.ref` (whose trailing slash SvelteKit keeps) and `?platform=` only, never
// `url.pathname` or the whole query: any URL read reruns it, and with it the chain request, on every
// `?layer=`/`&path=` change of the layer browser.
export const load: PageLoad = async ({ params, url, fetch, data }): Promise<PermalinkData> => {
	const input = params.ref;
	const platform = url.searchParams.get('platform')?.trim() || undefined;
	try {
		const classified = classifyInput(input);
		if (classified.kind === 'registry') {
			const { registry } = classified;
			return {
				ok: true,
				kind: 'registry',
				input,
				registry,
				page: await browsePage(),
				title: `${registry} · regscope`,
				description: `The repositories of the container registry ${registry}.`
			};
		}
		if (classified.kind === 'repository') {
			const canonical = repositoryName(classified.ref);
			return {
				ok: true,
				kind: 'repository',
				input,
				ref: classified.ref,
				canonical,
				page: await browsePage(),
				title: `${familiarName(classified.ref)} · regscope`,
				description: `The tags of ${canonical}, newest version first, grouped by the image they point to.`
			};
		}
		const ref = classified.ref;
		if (platform) parsePlatform(platform);
		const canonical = formatReference(ref);
		let chain: StartedChain | null = null;
		if (browser) {
			warmHasher();
			warmConfigReader();
			const authorization = authorizationFor(ref.registry);
			const held = data.embeddedChain ?? (data.chainInPage ? chainInPage() : null);
			chain = held
				? {
						authorization,
						reply: Promise.resolve(embeddedChain(held)),
						// Checked before the page is drawn, so it is drawn once, verified (it costs no request).
						verified: await verifyEmbedded(ref, platform, held)
					}
				: { authorization, reply: requestChain(canonical, platform, fetch, authorization ? { authorization } : {}), verified: null };
		}
		const what = ref.digest && !ref.tag ? 'image' : `image${ref.tag ? ` tag ${ref.tag}` : ''}`;
		return {
			ok: true,
			kind: 'image',
			input,
			ref,
			canonical,
			platform,
			insecure: data.insecure,
			chain,
			title: `${familiarName(ref)}${platform ? ` (${platform})` : ''} · regscope`,
			description: `Manifest, platforms, config, layers, history and tags of the ${what} ${canonical}${
				platform ? ` for ${platform}` : ''
			}, every byte verified against its digest in your browser.`
		};
	} catch (e) {
		if (!isRegscopeError(e)) throw e;
		return {
			ok: false,
			input,
			error: e.toJSON(),
			title: 'Not an image reference · regscope',
			description: 'regscope could not read this image reference.'
		};
	}
};
