/**
 * The state of one compare page: two InspectionViews (each side fetched and verified exactly as on a
 * permalink) and, once both are verified, the core's comparison of the two. A side that fails leaves the
 * comparison null: nothing unverified is compared.
 */
import { compareInspections, type Comparison } from '$lib/oci/compare';
import type { Reference } from '$lib/oci/model';
import { InspectionView } from '../inspection.svelte';
import { authorizationFor } from '../credentials.svelte';
import { FilesCompare } from './files.svelte';

export class CompareView {
	readonly a: InspectionView;
	readonly b: InspectionView;
	readonly comparison: Comparison | null = $derived.by(() => {
		const a = this.a.result;
		const b = this.b.result;
		return a && b && a.format !== 'index' && b.format !== 'index' ? compareInspections(a, b) : null;
	});

	/** The files comparison on offer once both sides are verified images (it starts only on request). */
	readonly files: FilesCompare | null = $derived.by(() => {
		const a = this.a.result;
		const b = this.b.result;
		if (!this.comparison || a?.format !== 'image' || b?.format !== 'image') return null;
		return new FilesCompare({ inspection: a, authorization: this.#authA }, { inspection: b, authorization: this.#authB });
	});
	readonly #authA: string | undefined;
	readonly #authB: string | undefined;

	/** An index with no platform entries has no image to compare: the page says so instead of waiting. */
	get notAnImage(): boolean {
		return this.a.result?.format === 'index' || this.b.result?.format === 'index';
	}

	constructor(a: { ref: Reference; platform?: string }, b: { ref: Reference; platform?: string }) {
		this.#authA = authorizationFor(a.ref.registry);
		this.#authB = authorizationFor(b.ref.registry);
		this.a = new InspectionView({ reference: a.ref, platform: a.platform, authorization: this.#authA });
		this.b = new InspectionView({ reference: b.ref, platform: b.platform, authorization: this.#authB });
	}

	/** Both sides start at once; each verifies its own objects. After `signal` aborts, neither shows anything. */
	start(signal: AbortSignal): this {
		this.a.start(signal);
		this.b.start(signal);
		return this;
	}

	/** Checking until both are verified, failed as soon as one side failed. */
	get state(): 'checking' | 'done' | 'failed' | 'not-images' {
		if (this.a.error || this.b.error) return 'failed';
		if (this.notAnImage) return 'not-images';
		return this.comparison ? 'done' : 'checking';
	}
}
