/**
 * Runs `fn` once the browser has painted the current state: the next animation frame's callbacks run
 * before that frame is painted, so the timeout after them runs after it. Work started this way (loading
 * and drawing the sections below a verdict) cannot hold back the paint of the verdict itself. Browser only.
 */
export function afterPaint(fn: () => void): void {
	requestAnimationFrame(() => setTimeout(fn, 0));
}
