/** Small wording helpers shared by the core, the server and the page (one home each). */

/** `1 layer`, `3 layers`. */
export function plural(n: number, one: string, many: string): string {
	return `${n} ${n === 1 ? one : many}`;
}

/**
 * Text that came from outside (a registry, a manifest, the user) made safe to put in a message:
 * one printable line, at most `max` characters.
 */
export function untrustedText(s: string, max = 200): string {
	// Control characters are exactly what must not reach a message or a log line.
	// eslint-disable-next-line no-control-regex
	const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
	return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** Is it a JSON object (not null, not an array)? */
export function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}
