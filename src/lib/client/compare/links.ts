/**
 * Links to the compare page, and the tag a "compare with…" defaults to: the one before the current tag
 * in a simple version order (numbers compared as numbers, `1.10` after `1.9`).
 */
import type { Reference } from '$lib/oci/model';
import { formatReference } from '$lib/oci/reference';

/** `/compare?a=…&b=…[&platformA=…][&platformB=…]`, slashes in the values kept readable. */
export function compareHref(a: string, b: string, platformA?: string, platformB?: string): string {
	const q = new URLSearchParams({ a, b });
	if (platformA) q.set('platformA', platformA);
	if (platformB) q.set('platformB', platformB);
	return `/compare?${q.toString().replace(/%2F/gi, '/').replace(/%3A/gi, ':').replace(/%40/gi, '@')}`;
}

/** Another tag of the same repository, as a canonical reference. */
export function tagReference(ref: Reference, tag: string): string {
	return formatReference({ registry: ref.registry, repository: ref.repository, tag });
}

type Chunk = number | string;

function chunks(tag: string): Chunk[] {
	return (tag.match(/\d+|\D+/g) ?? []).map((c) => (/^\d/.test(c) ? Number(c) : c));
}

/** Version-like order: chunk by chunk, numbers as numbers and before words; a prefix sorts first. */
export function compareVersions(x: string, y: string): number {
	const a = chunks(x);
	const b = chunks(y);
	for (let i = 0; i < Math.min(a.length, b.length); i++) {
		const p = a[i]!;
		const q = b[i]!;
		if (p === q) continue;
		if (typeof p === 'number' && typeof q === 'number') return p - q;
		if (typeof p === 'number') return -1;
		if (typeof q === 'number') return 1;
		return p < q ? -1 : 1;
	}
	return a.length - b.length || (x < y ? -1 : x > y ? 1 : 0);
}

/**
 * The tag just before `current` in version order, among tags with a digit in them (`latest`, `stable`
 * have no place in a version order); undefined when there is none or `current` is not version-like.
 */
export function previousTag(tags: readonly string[], current: string): string | undefined {
	if (!/\d/.test(current)) return undefined;
	let best: string | undefined;
	for (const t of tags) {
		if (t === current || !/\d/.test(t) || compareVersions(t, current) >= 0) continue;
		if (best === undefined || compareVersions(t, best) > 0) best = t;
	}
	return best;
}
