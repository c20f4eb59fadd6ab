/**
 * The home page's form works before (and without) the page's JavaScript: pressing Enter then submits
 * `/?ref=…`, which opens the permalink, or shows what is wrong with the reference beside the input.
 */
import { redirect } from '@sveltejs/kit';
import { lookup } from '$lib/client/lookup';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ url }) => {
	const input = url.searchParams.get('ref');
	if (input === null) return { lookup: null };
	const r = lookup(input);
	if (r.ok) redirect(303, r.href);
	return { lookup: { input, message: r.message } };
};
