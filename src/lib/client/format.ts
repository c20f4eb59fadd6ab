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

/** Exact bytes with thousands separators, for titles. */
export function exactBytes(n: number): string {
	return `${n.toLocaleString('en-US')} bytes`;
}

const STEPS: [number, Intl.RelativeTimeFormatUnit][] = [
	[60, 'second'],
	[60, 'minute'],
	[24, 'hour'],
	[30, 'day'],
	[12, 'month'],
	[Number.POSITIVE_INFINITY, 'year']
];

/** "3 days ago", "in 2 hours"; '' when the date is absent or unreadable. */
export function relativeTime(iso: string | undefined, now = Date.now()): string {
	if (!iso) return '';
	const t = Date.parse(iso);
	if (Number.isNaN(t)) return '';
	let delta = (t - now) / 1000;
	const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
	for (const [size, unit] of STEPS) {
		if (Math.abs(delta) < size) return rtf.format(Math.round(delta), unit);
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

/** Docker's build noise removed: `/bin/sh -c #(nop) ` prefixes, `|2 A=b C=d /bin/sh -c` arg lists. */
export function cleanCommand(createdBy: string | undefined): string {
	if (!createdBy) return '';
	let s = createdBy.trim();
	s = s.replace(/^\|\d+(?:\s+\S+=\S*)*\s+(?=\/bin\/sh -c)/, '');
	s = s.replace(/^\/bin\/sh -c #\(nop\)\s*/, '');
	s = s.replace(/^\/bin\/sh -c\s+/, 'RUN ');
	s = s.replace(/^(RUN|COPY|ADD|CMD|ENTRYPOINT|ENV|LABEL|WORKDIR|USER|EXPOSE|VOLUME|ARG|SHELL|STOPSIGNAL|HEALTHCHECK|ONBUILD)\s+/, '$1 ');
	return s.replace(/\s*# buildkit$/, '');
}

/** A JSON-ish array as people write it in a Dockerfile: `["sh","-c","x"]`. */
export function formatArgv(argv: string[] | undefined | null): string {
	if (!argv || argv.length === 0) return '';
	return JSON.stringify(argv);
}

export function isUrl(s: string): boolean {
	return /^https?:\/\/[^\s]+$/i.test(s);
}
