/**
 * The pure half of the repository page's tag state: grouping tags by digest, reading created times
 * from loaded details, and copy-on-write map updates. Kept out of the runes class so that its maps are
 * plainly values: the class holds them in `$state.raw` and replaces them whole on every change.
 */
import type { ImageDetails } from './browse-api';

export interface TagGroupView {
	/** The digest the tags point to; null while resolving or when resolution failed. */
	digest: string | null;
	tags: string[];
	error?: string;
}

export type Resolution = { digest: string } | { error: string };
export type DetailsState = ImageDetails | { error: string } | 'loading';

/** The starting value of a map held in state (never changed in place). */
export function noEntries<K, V>(): ReadonlyMap<K, V> {
	return new Map();
}

/** A new map: `map` with `entries` set (later ones win). */
export function withEntries<K, V>(map: ReadonlyMap<K, V>, entries: Iterable<readonly [K, V]>): ReadonlyMap<K, V> {
	return new Map([...map, ...entries]);
}

/** A new map holding only the entries of `map` that `keep` accepts. */
export function filterEntries<K, V>(map: ReadonlyMap<K, V>, keep: (value: V) => boolean): ReadonlyMap<K, V> {
	return new Map([...map].filter(([, v]) => keep(v)));
}

/** tag → created time, from the details loaded so far (what the `newest` sort can use). */
export function createdByTag(resolved: ReadonlyMap<string, Resolution>, details: ReadonlyMap<string, DetailsState>): Map<string, string> {
	const out = new Map<string, string>();
	for (const [tag, r] of resolved) {
		if (!('digest' in r)) continue;
		const d = details.get(r.digest);
		if (d && d !== 'loading' && 'created' in d && d.created) out.set(tag, d.created);
	}
	return out;
}

/** `tags` grouped by the digest they resolve to, groups in the order of their first tag; unresolved tags stand alone. */
export function groupByDigest(tags: readonly string[], resolved: ReadonlyMap<string, Resolution>): TagGroupView[] {
	const groups: TagGroupView[] = [];
	const byDigest = new Map<string, TagGroupView>();
	for (const tag of tags) {
		const r = resolved.get(tag);
		if (!r || 'error' in r) {
			groups.push({ digest: null, tags: [tag], ...(r ? { error: r.error } : {}) });
			continue;
		}
		const g = byDigest.get(r.digest);
		if (g) g.tags.push(tag);
		else {
			const group = { digest: r.digest, tags: [tag] };
			byDigest.set(r.digest, group);
			groups.push(group);
		}
	}
	return groups;
}
