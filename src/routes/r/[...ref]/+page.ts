/**
 * The permalink's load: parse the reference (and platform) from the URL, nothing else. No registry is
 * contacted here, on the server or in the browser; the page's InspectionView does that in the browser.
 */
import type { PageLoad } from './$types';
import { isRegscopeError, type ErrorBody } from '$lib/oci/errors';
import { familiarName, formatReference, parseReference } from '$lib/oci/reference';
import { parsePlatform } from '$lib/oci/platform';
import type { Reference } from '$lib/oci/model';

export type PermalinkData =
	| { ok: true; input: string; ref: Reference; canonical: string; platform?: string; title: string; description: string }
	| { ok: false; input: string; error: ErrorBody; title: string; description: string };

export const load: PageLoad = ({ params, url }): PermalinkData => {
	const input = params.ref;
	const platform = url.searchParams.get('platform')?.trim() || undefined;
	try {
		const ref = parseReference(input);
		if (platform) parsePlatform(platform);
		const canonical = formatReference(ref);
		const what = ref.digest && !ref.tag ? 'image' : `image${ref.tag ? ` tag ${ref.tag}` : ''}`;
		return {
			ok: true,
			input,
			ref,
			canonical,
			platform,
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
