/**
 * The recent lookups on the home page, kept in localStorage (never on the server). Each entry is a
 * canonical reference (plus the platform, when one was chosen); the newest comes first.
 */
const KEY = 'regscope.recent';
const MAX = 12;

export interface RecentLookup {
	reference: string;
	platform?: string;
	/** Milliseconds since the epoch of the last visit. */
	at: number;
}

function load(): RecentLookup[] {
	try {
		const raw = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
		if (!Array.isArray(raw)) return [];
		return raw.filter((e): e is RecentLookup => typeof e?.reference === 'string' && typeof e?.at === 'number').slice(0, MAX);
	} catch {
		return [];
	}
}

export class RecentLookups {
	#items = $state<RecentLookup[]>([]);

	get items(): readonly RecentLookup[] {
		return this.#items;
	}

	/** Reads localStorage; call in the browser only (onMount / load with `browser`). */
	restore(): this {
		this.#items = load();
		return this;
	}

	add(reference: string, platform?: string): void {
		const rest = load().filter((e) => !(e.reference === reference && e.platform === platform));
		this.#items = [{ reference, platform, at: Date.now() }, ...rest].slice(0, MAX);
		this.#save();
	}

	remove(entry: RecentLookup): void {
		this.#items = this.#items.filter((e) => !(e.reference === entry.reference && e.platform === entry.platform));
		this.#save();
	}

	clear(): void {
		this.#items = [];
		this.#save();
	}

	#save(): void {
		try {
			localStorage.setItem(KEY, JSON.stringify(this.#items));
		} catch {
			/* storage full or disabled: the list just isn't kept */
		}
	}
}
