/**
 * A repository's tags as the repository page shows them: sorted (version / name / newest), filtered,
 * a page at a time, the shown tags resolved to digests and grouped, and a group's details on request.
 */
import { RegscopeError, isRegscopeError } from '$lib/oci/errors';
import { sortTags, type TagSort } from '$lib/oci/tag-order';
import { fetchDetails, fetchTagNames, resolveTags } from './browse-api';
import {
	createdByTag,
	filterEntries,
	groupByDigest,
	noEntries,
	withEntries,
	type DetailsState,
	type Resolution,
	type TagGroupView
} from './tag-groups';

export const PAGE_SIZE = 50;
/** Detail lookups in flight at once (each is one /api/inspect call). */
const DETAILS_CONCURRENCY = 3;

function toError(e: unknown): RegscopeError {
	return isRegscopeError(e) ? e : new RegscopeError('INTERNAL_ERROR', String(e));
}

export class RepositoryView {
	/** `registry/repository`, as the API takes it. */
	readonly repository: string;
	tags = $state.raw<string[] | null>(null);
	truncated = $state(false);
	warnings = $state.raw<string[]>([]);
	error = $state.raw<RegscopeError | null>(null);
	sort = $state<TagSort>('version');
	filter = $state('');
	limit = $state(PAGE_SIZE);
	resolved = $state.raw<ReadonlyMap<string, Resolution>>(noEntries());
	resolving = $state(false);
	resolveError = $state.raw<RegscopeError | null>(null);
	details = $state.raw<ReadonlyMap<string, DetailsState>>(noEntries());
	#controller = new AbortController();

	constructor(repository: string) {
		this.repository = repository;
	}

	/** tag → created time, from the details loaded so far (what `newest` can sort by). */
	get created(): Map<string, string> {
		return createdByTag(this.resolved, this.details);
	}

	get sorted(): string[] {
		return sortTags(this.tags ?? [], this.sort, this.sort === 'newest' ? this.created : undefined);
	}

	get filtered(): string[] {
		const f = this.filter.trim().toLowerCase();
		return f ? this.sorted.filter((t) => t.toLowerCase().includes(f)) : this.sorted;
	}

	get visible(): string[] {
		return this.filtered.slice(0, this.limit);
	}

	/** The visible tags grouped by digest, groups in the order of their first tag. */
	get groups(): TagGroupView[] {
		return groupByDigest(this.visible, this.resolved);
	}

	async start(): Promise<void> {
		const signal = this.#controller.signal;
		try {
			const answer = await fetchTagNames(this.repository, signal);
			this.tags = answer.tags;
			this.truncated = answer.truncated;
			this.warnings = answer.warnings;
		} catch (e) {
			if (!signal.aborted) this.error = toError(e);
		}
	}

	/** Resolves the visible tags not resolved yet (one call, bounded by the page size). */
	async resolveVisible(): Promise<void> {
		const pending = this.visible.filter((t) => !this.resolved.has(t)).slice(0, 100);
		if (pending.length === 0 || this.resolving) return;
		this.resolving = true;
		this.resolveError = null;
		const signal = this.#controller.signal;
		try {
			const got = await resolveTags(this.repository, pending, signal);
			this.resolved = withEntries(
				this.resolved,
				pending.map((t) => [t, got.get(t) ?? { error: 'the registry did not list this tag' }] as const)
			);
		} catch (e) {
			if (!signal.aborted) this.resolveError = toError(e);
		} finally {
			if (!signal.aborted) this.resolving = false;
		}
		// The page may have grown while this call was out.
		if (!signal.aborted && !this.resolveError) void this.resolveVisible();
	}

	/** Loads the details (created, size, platforms) of these digests, a few at a time. */
	async loadDetails(digests: string[]): Promise<void> {
		const todo = digests.filter((d) => !this.details.has(d));
		if (todo.length === 0) return;
		this.details = withEntries(
			this.details,
			todo.map((d) => [d, 'loading'] as const)
		);
		let next = 0;
		const signal = this.#controller.signal;
		const worker = async () => {
			while (next < todo.length && !signal.aborted) {
				const digest = todo[next++] as string;
				let value: DetailsState;
				try {
					value = await fetchDetails(this.repository, digest, signal);
				} catch (e) {
					if (signal.aborted) return;
					value = { error: toError(e).message };
				}
				this.details = withEntries(this.details, [[digest, value]]);
			}
		};
		await Promise.all(Array.from({ length: Math.min(DETAILS_CONCURRENCY, todo.length) }, worker));
	}

	showMore(): void {
		this.limit += PAGE_SIZE;
	}

	/** Stops every call in flight (leaving the page, or the user's Cancel). */
	cancel(): void {
		this.#controller.abort();
		this.#controller = new AbortController();
		this.resolving = false;
		this.details = filterEntries(this.details, (v) => v !== 'loading');
	}
}
