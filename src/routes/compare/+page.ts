/**
 * The compare page's load: parse both references (and platforms) from the query, nothing else. No
 * registry is contacted on the server; the page inspects and verifies both sides in the browser.
 */
import type { PageLoad } from './$types';
import { isRegscopeError, type ErrorBody } from '$lib/oci/errors';
import { familiarName, formatReference, parseReference } from '$lib/oci/reference';
import { parsePlatform } from '$lib/oci/platform';
import type { Reference } from '$lib/oci/model';

export type CompareSide =
	{ ok: true; input: string; ref: Reference; canonical: string; platform?: string } | { ok: false; input: string; error: ErrorBody };

export interface CompareData {
	a: CompareSide | null;
	b: CompareSide | null;
	title: string;
	description: string;
}

function side(input: string | null, platformInput: string | null): CompareSide | null {
	const s = input?.trim();
	if (!s) return null;
	const platform = platformInput?.trim() || undefined;
	try {
		const ref = parseReference(s);
		if (platform) parsePlatform(platform);
		return { ok: true, input: s, ref, canonical: formatReference(ref), ...(platform ? { platform } : {}) };
	} catch (e) {
		if (!isRegscopeError(e)) throw e;
		return { ok: false, input: s, error: e.toJSON() };
	}
}

export const load: PageLoad = ({ url }): CompareData => {
	const q = url.searchParams;
	const a = side(q.get('a'), q.get('platformA'));
	const b = side(q.get('b'), q.get('platformB'));
	const name = (s: CompareSide | null) => (s?.ok ? familiarName(s.ref) + (s.platform ? ` (${s.platform})` : '') : '…');
	return {
		a,
		b,
		title: a && b ? `${name(a)} vs ${name(b)} · regscope` : 'Compare two images · regscope',
		description:
			a?.ok && b?.ok
				? `What changed between ${a.canonical} and ${b.canonical}: layers, history and config, every byte verified in your browser.`
				: 'Compare two container images: layers, history, config and platforms, every byte verified in your browser.'
	};
};
