/** The tag list of a repository, fetched once per repository per page load and filtered in place. */
import { RegscopeError, isRegscopeError } from '$lib/oci/errors';
import { sortTags } from '$lib/oci/tag-order';
import type { Reference } from '$lib/oci/model';
import { repositoryName } from '$lib/oci/reference';
import { authorizationFor } from './credentials.svelte';
import { fetchTags, type TagList } from './source';

// A plain cache of requests, not state: nothing renders from it, so it needs no reactivity.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const cache = new Map<string, Promise<TagList>>();

export class TagsView {
	readonly repository: string;
	readonly registry: string;
	list = $state.raw<TagList | null>(null);
	error = $state.raw<RegscopeError | null>(null);
	filter = $state('');

	constructor(ref: Reference) {
		this.repository = repositoryName(ref);
		this.registry = ref.registry;
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

	/** Once `signal` aborts (credentials changed, another page), the answer is no longer shown here. */
	start(signal: AbortSignal, fetchFn: typeof fetch = fetch): this {
		// Credentials go only to their own host.
		const authorization = authorizationFor(this.registry);
		// A list fetched with credentials is kept apart from the anonymous one (memory only, this tab).
		const key = authorization ? `${this.repository}\n${authorization}` : this.repository;
		let p = cache.get(key);
		if (!p) {
			p = fetchTags(this.repository, fetchFn, authorization ? { authorization } : {});
			cache.set(key, p);
			p.catch(() => cache.delete(key));
		}
		p.then(
			(l) => {
				if (!signal.aborted) this.list = l;
			},
			(e: unknown) => {
				if (!signal.aborted) this.error = isRegscopeError(e) ? e : new RegscopeError('INTERNAL_ERROR', String(e));
			}
		);
		return this;
	}
}
