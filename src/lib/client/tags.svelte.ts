/** The tag list of a repository, fetched once per repository per page load and filtered in place. */
import { RegscopeError, isRegscopeError } from '$lib/oci/errors';
import { sortTags } from '$lib/oci/tag-order';
import { authorizationFor } from './credentials.svelte';
import { fetchTags, type TagList } from './source';

// A plain cache of requests, not state: nothing renders from it, so it needs no reactivity.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const cache = new Map<string, Promise<TagList>>();

export class TagsView {
	readonly repository: string;
	list = $state.raw<TagList | null>(null);
	error = $state.raw<RegscopeError | null>(null);
	filter = $state('');

	constructor(repository: string) {
		this.repository = repository;
	}

	get loading(): boolean {
		return this.list === null && this.error === null;
	}

	/** Newest version first, `latest` leading (the registry's own order is arbitrary). */
	get filtered(): string[] {
		const tags = sortTags(this.list?.tags ?? [], 'version');
		const f = this.filter.trim().toLowerCase();
		return f ? tags.filter((t) => t.toLowerCase().includes(f)) : tags;
	}

	start(fetchFn: typeof fetch = fetch): this {
		// The registry host is the repository name's first segment; credentials go only to their own host.
		const authorization = authorizationFor(this.repository.split('/')[0] ?? '');
		// A list fetched with credentials is kept apart from the anonymous one (memory only, this tab).
		const key = authorization ? `${this.repository}\n${authorization}` : this.repository;
		let p = cache.get(key);
		if (!p) {
			p = fetchTags(this.repository, fetchFn, authorization ? { authorization } : {});
			cache.set(key, p);
			p.catch(() => cache.delete(key));
		}
		p.then(
			(l) => (this.list = l),
			(e: unknown) =>
				(this.error = isRegscopeError(e) ? e : new RegscopeError('INTERNAL_ERROR', String(e)))
		);
		return this;
	}
}
