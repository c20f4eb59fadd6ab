/**
 * The build steps of two images aligned. Steps are equal when their command (`created_by`) and whether
 * they made a layer are equal; a step removed and another added at the same place read as one changed
 * command, which is what "what changed between two builds" usually is.
 */
import type { HistoryEntry } from '../model';
import { align, type Aligned } from './align';

export type HistoryStatus = 'same' | 'changed' | 'a' | 'b';

export interface HistoryRow {
	status: HistoryStatus;
	a?: HistoryEntry;
	b?: HistoryEntry;
}

/** Above this many steps per side the steps are listed unaligned (the alignment is quadratic). */
export const MAX_ALIGNED_STEPS = 2000;

const sameStep = (x: HistoryEntry, y: HistoryEntry) =>
	(x.created_by ?? '') === (y.created_by ?? '') && (x.empty_layer === true) === (y.empty_layer === true);

export function compareHistory(a: readonly HistoryEntry[], b: readonly HistoryEntry[]): HistoryRow[] {
	const aligned: Aligned<HistoryEntry>[] =
		a.length <= MAX_ALIGNED_STEPS && b.length <= MAX_ALIGNED_STEPS
			? align(a, b, sameStep)
			: [...a.map((x) => ({ a: x })), ...b.map((y) => ({ b: y }))];
	const rows: HistoryRow[] = [];
	// A run of A-only steps followed by B-only steps: pair them one to one as changed commands.
	let i = 0;
	while (i < aligned.length) {
		const r = aligned[i]!;
		if (r.a && r.b) {
			rows.push({ status: 'same', a: r.a, b: r.b });
			i++;
			continue;
		}
		const runA: HistoryEntry[] = [];
		const runB: HistoryEntry[] = [];
		while (i < aligned.length && aligned[i]!.a && !aligned[i]!.b) runA.push(aligned[i++]!.a!);
		while (i < aligned.length && aligned[i]!.b && !aligned[i]!.a) runB.push(aligned[i++]!.b!);
		const paired = Math.min(runA.length, runB.length);
		for (let k = 0; k < paired; k++) rows.push({ status: 'changed', a: runA[k]!, b: runB[k]! });
		for (const x of runA.slice(paired)) rows.push({ status: 'a', a: x });
		for (const y of runB.slice(paired)) rows.push({ status: 'b', b: y });
	}
	return rows;
}
