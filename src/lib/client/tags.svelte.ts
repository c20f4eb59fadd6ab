/** The tag list of a repository, fetched once per repository per page load and filtered in place. */
import { RegscopeError, isRegscopeError } from '$lib/oci/errors';
import { fetchTags, type TagList } from './source';

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

	get filtered(): string[] {
		const tags = this.list?.tags ?? [];
		const f = this.filter.trim().toLowerCase();
		return f ? tags.filter((t) => t.toLowerCase().includes(f)) : tags;
	}

	start(fetchFn: typeof fetch = fetch): this {
		let p = cache.get(this.repository);
		if (!p) {
			p = fetchTags(this.repository, fetchFn);
			cache.set(this.repository, p);
			p.catch(() => cache.delete(this.repository));
		}
		p.then(
			(l) => (this.list = l),
			(e: unknown) =>
				(this.error = isRegscopeError(e) ? e : new RegscopeError('INTERNAL_ERROR', String(e)))
		);
		return this;
	}
}
