/** Small pure formatters for the pages (no Svelte, no DOM). */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** IEC units, as registries and skopeo count: 1 KiB = 1024 B. */
export function formatBytes(n: number): string {
	if (!Number.isFinite(n) || n < 0) return '?';
	let v = n;
	let u = 0;
	while (v >= 1024 && u < UNITS.length - 1) {
		v /= 1024;
		u++;
	}
	return u === 0 ? `${v} B` : `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : Math.round(v)} ${UNITS[u]}`;
}

/**
 * `1234567` → `1,234,567`, as `toLocaleString('en-US')` writes integers. Written out because the first
 * `toLocaleString` of a page loads the browser's number-formatting data, about 40 ms of main thread on the
 * way to a permalink's first render; only counts and byte sizes are grouped here.
 */
export function groupDigits(n: number): string {
	if (!Number.isSafeInteger(n)) return String(n);
	const digits = String(Math.abs(n));
	let out = '';
	for (let end = digits.length; end > 0; end -= 3) out = digits.slice(Math.max(0, end - 3), end) + (out ? `,${out}` : '');
	return n < 0 ? `-${out}` : out;
}

/** Exact bytes with thousands separators, for titles. */
export function exactBytes(n: number): string {
	return `${groupDigits(n)} bytes`;
}

const STEPS: [number, string][] = [
	[60, 'second'],
	[60, 'minute'],
	[24, 'hour'],
	[30, 'day'],
	[12, 'month'],
	[Number.POSITIVE_INFINITY, 'year']
];

/** What `Intl.RelativeTimeFormat('en', { numeric: 'auto' })` says for -1, 0 and 1 of a unit. */
const WORDS: Record<string, [string, string, string]> = {
	second: ['1 second ago', 'now', 'in 1 second'],
	minute: ['1 minute ago', 'this minute', 'in 1 minute'],
	hour: ['1 hour ago', 'this hour', 'in 1 hour'],
	day: ['yesterday', 'today', 'tomorrow'],
	month: ['last month', 'this month', 'next month'],
	year: ['last year', 'this year', 'next year']
};

/**
 * "3 days ago", "in 2 hours", "yesterday"; '' when the date is absent or unreadable. The words of
 * `Intl.RelativeTimeFormat('en', { numeric: 'auto' })`, written out: the page's first Intl formatter loads
 * the browser's locale data, about 50 ms of main thread on the way to a permalink's first render.
 */
export function relativeTime(iso: string | undefined, now = Date.now()): string {
	if (!iso) return '';
	const t = Date.parse(iso);
	if (Number.isNaN(t)) return '';
	let delta = (t - now) / 1000;
	for (const [size, unit] of STEPS) {
		if (Math.abs(delta) < size) {
			const n = Math.round(delta) || 0;
			const words = WORDS[unit]!;
			if (Math.abs(n) <= 1) return words[n + 1]!;
			const count = `${groupDigits(Math.abs(n))} ${unit}s`;
			return n < 0 ? `${count} ago` : `in ${count}`;
		}
		delta /= size;
	}
	return '';
}

/** The exact instant in UTC, readable: `2024-06-20 17:25:03 UTC`. */
export function exactTime(iso: string | undefined): string {
	if (!iso) return '';
	const t = Date.parse(iso);
	if (Number.isNaN(t)) return iso;
	return new Date(t)
		.toISOString()
		.replace('T', ' ')
		.replace(/\.\d+Z$|Z$/, ' UTC');
}
