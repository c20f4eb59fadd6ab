/**
 * The layer browser's state for one verified image: which layer is being checked (one LayerRun at a time),
 * the verified listings so far, and the whole-image analysis (every layer in turn, then the final
 * filesystem). The URL (`?layer=<digest>&path=<path>`) says what to show; `show()` follows it.
 */
import { finalFilesystem, type FinalFilesystem } from '$lib/oci/layer/final-fs';
import type { LayerListing } from '$lib/oci/layer/listing';
import type { Descriptor, Digest, ImageInspection } from '$lib/oci/model';
import { repositoryName } from '$lib/oci/reference';
import { LayerRun } from './run.svelte';

export interface LayerInfo {
	index: number;
	descriptor: Descriptor;
	diffId: Digest | null;
	/** Foreign / non-distributable layers: their bytes live at `urls`, which regscope never fetches. */
	foreign: boolean;
}

export type AnalysisStatus = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

export class LayersState {
	readonly layers: LayerInfo[];
	readonly repo: string;
	readonly authorization: string | undefined;
	current = $state.raw<LayerRun | null>(null);
	currentDigest = $state<string | null>(null);
	listings = $state.raw<Record<string, LayerListing>>({});
	analysisStatus = $state<AnalysisStatus>('idle');
	analysisIndex = $state(0);
	analysisRun = $state.raw<LayerRun | null>(null);
	final = $state.raw<FinalFilesystem | null>(null);
	analysisProblem = $state('');

	constructor(inspection: ImageInspection, authorization?: string) {
		this.repo = repositoryName(inspection.reference);
		this.authorization = authorization;
		const diffIds = inspection.config?.config.rootfs.diff_ids ?? [];
		this.layers = inspection.manifest.manifest.layers.map((descriptor, index) => ({
			index,
			descriptor,
			diffId: diffIds[index] ?? null,
			foreign: (descriptor.urls?.length ?? 0) > 0
		}));
	}

	layer(digest: string | null): LayerInfo | undefined {
		return digest ? this.layers.find((l) => l.descriptor.digest === digest) : undefined;
	}

	#start(info: LayerInfo, path?: string): LayerRun {
		const run = new LayerRun(
			{
				repo: this.repo,
				layer: info.descriptor,
				diffId: info.diffId,
				...(this.authorization ? { authorization: this.authorization } : {})
			},
			path
		);
		void run.done.then(() => {
			const listing = run.verifiedListing;
			if (listing) this.listings = { ...this.listings, [info.descriptor.digest]: listing };
		});
		return run;
	}

	/**
	 * Shows a layer (and a file in it). A new check starts unless the current one already covers it; a
	 * verified listing stays on screen while a file's bytes are fetched again (the browser caches the layer).
	 */
	show(digest: string | null, path: string | null): void {
		const info = this.layer(digest);
		if (!info || info.foreign) {
			this.#stopCurrent();
			this.currentDigest = null;
			return;
		}
		const cur = this.current;
		const wantPath = path ?? undefined;
		const sameLayer = this.currentDigest === info.descriptor.digest;
		if (cur && sameLayer) {
			const settled = cur.status === 'cancelled' || cur.status === 'failed';
			if (!settled && (wantPath === undefined || cur.path === wantPath)) return;
			if (cur.status === 'cancelled' && wantPath === cur.path) return;
		}
		this.#stopCurrent();
		this.currentDigest = info.descriptor.digest;
		this.current = this.#start(info, wantPath);
	}

	/** Checks the current layer again (after a cancel or a failure). */
	retry(path: string | null): void {
		const info = this.layer(this.currentDigest);
		if (!info) return;
		this.#stopCurrent();
		this.current = this.#start(info, path ?? undefined);
	}

	#stopCurrent(): void {
		this.current?.cancel();
	}

	/** Streams and verifies every layer in turn (reusing verified listings), then merges them. */
	async analyse(): Promise<void> {
		if (this.analysisStatus === 'running') return;
		this.analysisStatus = 'running';
		this.analysisProblem = '';
		this.final = null;
		const listings: LayerListing[] = [];
		for (const info of this.layers) {
			this.analysisIndex = info.index;
			if (info.foreign) {
				this.analysisStatus = 'failed';
				this.analysisProblem = `layer ${info.index + 1} is a foreign layer whose bytes regscope never fetches, so the final filesystem cannot be computed`;
				return;
			}
			let listing = this.listings[info.descriptor.digest];
			if (!listing) {
				const run = this.#start(info);
				this.analysisRun = run;
				await run.done;
				if ((this.analysisStatus as AnalysisStatus) === 'cancelled') return;
				listing = run.verifiedListing ?? undefined;
				if (!listing) {
					this.analysisStatus = 'failed';
					this.analysisProblem = `layer ${info.index + 1} (${info.descriptor.digest}) was not verified: ${run.error?.message ?? run.check?.problems.join('; ') ?? run.status}`;
					return;
				}
			}
			listings.push(listing);
		}
		this.analysisRun = null;
		this.final = finalFilesystem(listings);
		this.analysisStatus = 'done';
	}

	cancelAnalysis(): void {
		if (this.analysisStatus !== 'running') return;
		this.analysisStatus = 'cancelled';
		this.analysisRun?.cancel();
	}

	/** Ends every transfer (the view of another image, platform or set of credentials replaces this one). */
	stop(): void {
		this.cancelAnalysis();
		this.#stopCurrent();
	}
}
