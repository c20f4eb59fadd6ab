/**
 * Order-preserving alignment of two sequences (longest common subsequence), the basis of the layer and
 * history comparisons: the rows read top to bottom like both images, with what they share side by side.
 */

export type Aligned<T> = { a: T; b: T } | { a: T; b?: undefined } | { a?: undefined; b: T };

/**
 * The two sequences merged in order, equal items paired. Within a run of differences the A items come
 * before the B items, so a replaced item reads as "removed, then added". Quadratic in time and memory,
 * which is why callers cap their input (layers and history are short: at most a few hundred entries).
 */
export function align<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): Aligned<T>[] {
	const n = a.length;
	const m = b.length;
	// lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
	const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
	for (let i = n - 1; i >= 0; i--) {
		for (let j = m - 1; j >= 0; j--) {
			lcs[i]![j] = same(a[i]!, b[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
		}
	}
	const out: Aligned<T>[] = [];
	const onlyA: T[] = [];
	const onlyB: T[] = [];
	const flush = () => {
		for (const x of onlyA) out.push({ a: x });
		for (const y of onlyB) out.push({ b: y });
		onlyA.length = 0;
		onlyB.length = 0;
	};
	let i = 0;
	let j = 0;
	while (i < n && j < m) {
		if (same(a[i]!, b[j]!)) {
			flush();
			out.push({ a: a[i++]!, b: b[j++]! });
		} else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
			onlyA.push(a[i++]!);
		} else {
			onlyB.push(b[j++]!);
		}
	}
	while (i < n) onlyA.push(a[i++]!);
	while (j < m) onlyB.push(b[j++]!);
	flush();
	return out;
}
