/**
 * "Compare files" on the compare page: every layer of both images streamed and verified in the browser (the
 * layer browser's worker, with per-file content digests), each distinct layer once — a layer both sides
 * share is fetched and checked a single time — then both final filesystems built and compared. Any layer
 * that does not verify stops the comparison: nothing from it is shown.
 */
import {
	compareFiles,
	planFiles,
	sideEntries,
	type FileComparison,
	type FilesPlan,
	type FilesSide,
	type VerifiedLayer
} from '$lib/oci/compare';
import { LayerRun } from '../layers/run.svelte';

export type FilesStatus = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

export class FilesCompare {
	readonly plan: FilesPlan;
	status = $state<FilesStatus>('idle');
	/** Index in `plan.jobs` of the layer being checked. */
	index = $state(0);
	run = $state.raw<LayerRun | null>(null);
	/** Compressed bytes of the layers already verified. */
	doneBytes = $state(0);
	problem = $state('');
	result = $state.raw<FileComparison | null>(null);
	/** Layers verified so far, kept across a cancel so starting again resumes where it stopped. */
	readonly #verified: Record<string, VerifiedLayer> = {};
	/** Bumped by every start and cancel: a loop that awaited across one of them stops. */
	#attempt = 0;

	constructor(a: FilesSide, b: FilesSide) {
		this.plan = planFiles(a, b);
	}

	/** Compressed bytes received so far, the current layer included. */
	get receivedBytes(): number {
		return this.doneBytes + (this.status === 'running' ? (this.run?.compressed ?? 0) : 0);
	}

	async start(): Promise<void> {
		if (this.status === 'running' || this.plan.unavailable) return;
		this.status = 'running';
		this.problem = '';
		this.result = null;
		this.doneBytes = 0;
		const attempt = ++this.#attempt;
		const verified = this.#verified;
		for (const [i, job] of this.plan.jobs.entries()) {
			this.index = i;
			if (verified[job.key]) {
				this.doneBytes += job.descriptor.size;
				continue;
			}
			const run = new LayerRun({
				repo: job.repo,
				layer: job.descriptor,
				diffId: job.diffId,
				hashFiles: true,
				...(job.authorization ? { authorization: job.authorization } : {})
			});
			this.run = run;
			await run.done;
			if (attempt !== this.#attempt) return;
			const listing = run.verifiedListing;
			if (!listing) {
				this.status = 'failed';
				this.problem = `layer ${job.descriptor.digest} was not verified, so no file is compared: ${run.error?.message ?? run.check?.problems.join('; ') ?? run.status}`;
				return;
			}
			verified[job.key] = { listing, digests: run.verifiedDigests ?? {} };
			this.doneBytes += job.descriptor.size;
		}
		this.run = null;
		this.result = compareFiles(sideEntries(this.plan.a, verified), sideEntries(this.plan.b, verified));
		this.status = 'done';
	}

	cancel(): void {
		if (this.status !== 'running') return;
		this.#attempt++;
		this.status = 'cancelled';
		this.run?.cancel();
	}
}
