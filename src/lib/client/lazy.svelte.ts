/**
 * A component whose code is loaded on first use, as reactive state: `current` is undefined until the
 * chunk is in, then the component, so a page can draw it in the same update as the data it shows
 * (no extra pending frame when the code arrived first).
 */
export class Lazy<T> {
	current = $state.raw<T | undefined>(undefined);
	#load: (() => Promise<{ default: T }>) | null;

	constructor(load: () => Promise<{ default: T }>) {
		this.#load = load;
	}

	/** Starts loading (once); returns this, so `new Lazy(…).start()` reads well. */
	start(): this {
		const load = this.#load;
		this.#load = null;
		load?.().then((m) => (this.current = m.default));
		return this;
	}
}
