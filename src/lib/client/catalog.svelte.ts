/** A registry's repository list: loaded a page at a time ("load more"), filtered in place, cancellable. */
import { RegscopeError, isRegscopeError } from '$lib/oci/errors';
import { fetchCatalog } from './browse-api';

export class CatalogView {
	readonly registry: string;
	repositories = $state.raw<string[]>([]);
	next = $state<string | null>(null);
	loading = $state(false);
	started = $state(false);
	error = $state.raw<RegscopeError | null>(null);
	warnings = $state.raw<string[]>([]);
	filter = $state('');
	#controller: AbortController | null = null;

	constructor(registry: string) {
		this.registry = registry;
	}

	/** The registry refuses to list (401/403/404 to `/v2/_catalog`, or known to refuse). */
	get refused(): boolean {
		return this.error?.details?.['catalog'] === 'refused';
	}

	get filtered(): string[] {
		const f = this.filter.trim().toLowerCase();
		return f ? this.repositories.filter((r) => r.includes(f)) : this.repositories;
	}

	get more(): boolean {
		return this.next !== null;
	}

	/** Fetches the first page, or the next one. */
	async load(): Promise<void> {
		if (this.loading || (this.started && this.next === null && !this.error)) return;
		const last = this.started ? this.next : null;
		this.started = true;
		this.loading = true;
		this.error = null;
		const controller = new AbortController();
		this.#controller = controller;
		try {
			const page = await fetchCatalog(this.registry, last, controller.signal);
			this.repositories = [...this.repositories, ...page.repositories.filter((r) => !this.repositories.includes(r))];
			this.next = page.next;
			this.warnings = page.warnings;
		} catch (e) {
			if (controller.signal.aborted) {
				// A cancelled first page can be asked for again.
				if (last === null && this.repositories.length === 0) this.started = false;
				return;
			}
			this.error = isRegscopeError(e) ? e : new RegscopeError('INTERNAL_ERROR', String(e));
		} finally {
			if (this.#controller === controller) {
				this.loading = false;
				this.#controller = null;
			}
		}
	}

	cancel(): void {
		this.#controller?.abort();
		this.#controller = null;
		this.loading = false;
	}
}
