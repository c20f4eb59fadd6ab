/**
 * Links to the compare page, and the tag a "compare with…" defaults to: the one before the current tag
 * in the tag list's version order.
 */
import type { Reference } from '$lib/oci/model';
import { formatReference } from '$lib/oci/reference';
import { parseVersion, sortTags } from '$lib/oci/tag-order';

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

/** Whether version `a` is older than `b` on every number they both have (`1.5` is not older than `1.5.0`). */
function olderThan(a: readonly number[], b: readonly number[]): boolean {
	for (let i = 0; i < Math.min(a.length, b.length); i++) {
		if (a[i] !== b[i]) return (a[i] ?? 0) < (b[i] ?? 0);
	}
	return false;
}

/**
 * The tag just before `current` in the repository's version order (`sortTags`, the order of the tag list):
 * the newest older release of the same variant (`1.25-alpine` → `1.24-alpine`), pre-releases skipped unless
 * `current` is one. Undefined when `current` is not a version or nothing older exists.
 */
export function previousTag(tags: readonly string[], current: string): string | undefined {
	const cur = parseVersion(current);
	if (!cur) return undefined;
	const sorted = sortTags([...new Set([...tags, current])], 'version');
	return sorted.slice(sorted.indexOf(current) + 1).find((t) => {
		const v = parseVersion(t);
		if (v === null || v.suffix !== cur.suffix) return false;
		if (cur.pre === null) return v.pre === null && olderThan(v.numbers, cur.numbers);
		return olderThan(v.numbers, cur.numbers) || (v.pre !== null && v.numbers.join('.') === cur.numbers.join('.'));
	});
}
