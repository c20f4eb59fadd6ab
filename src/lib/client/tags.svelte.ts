/** The tag list of a repository, fetched once per repository per page load and filtered in place. */
import { RegscopeError, isRegscopeError } from '$lib/oci/errors';
import type { Reference } from '$lib/oci/model';
import { repositoryName } from '$lib/oci/reference';
import { authorizationFor } from './credentials.svelte';
import { fetchTags, type TagList } from './source';

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

	get filtered(): string[] {
		const tags = this.list?.tags ?? [];
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
