/**
 * Tag order the way people read versions. `version`: `latest` first, then tags that read as versions
 * (`v1.2.3`, `1.2`, `3`, `1.2.3-rc.1`, `1.25-alpine`) newest first, then the rest in natural order
 * (`t2` before `t10`). `name`: natural order only. `newest`: by image creation time where known
 * (newest first), the rest after in version order.
 */
export type TagSort = 'version' | 'name' | 'newest';

export const TAG_SORTS: readonly TagSort[] = ['version', 'name', 'newest'];

export function isTagSort(s: unknown): s is TagSort {
	return typeof s === 'string' && (TAG_SORTS as readonly string[]).includes(s);
}

interface Version {
	numbers: number[];
	/** semver pre-release (`rc.1`): sorts below the release. */
	pre: string | null;
	/** Anything after the version that is not a pre-release (`alpine`, `bookworm`): a variant. */
	suffix: string;
}

const VERSION = /^v?(\d{1,9}(?:\.\d{1,9}){0,3})(?:-((?:alpha|beta|rc|pre|preview|dev)(?:[.-]?\d+)?(?:\.[0-9a-z]+)*))?(?:[-_+](.*))?$/i;

export function parseVersion(tag: string): Version | null {
	const m = VERSION.exec(tag);
	if (!m) return null;
	return { numbers: (m[1] ?? '').split('.').map(Number), pre: m[2]?.toLowerCase() ?? null, suffix: m[3] ?? '' };
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

/** Natural order: digit runs compare as numbers, then a plain code-point tie-break for stability. */
export function naturalCompare(a: string, b: string): number {
	return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Newest version first. Equal leading numbers: the shorter version first (`1` and `1.2` float over
 * `1.2.3`, so they stand just before what they point to). A release before its pre-releases; plain
 * before suffixed variants (`1.2` before `1.2-alpine`).
 */
function compareVersions(a: Version, b: Version): number {
	const n = Math.min(a.numbers.length, b.numbers.length);
	for (let i = 0; i < n; i++) {
		const d = (b.numbers[i] ?? 0) - (a.numbers[i] ?? 0);
		if (d !== 0) return d;
	}
	if (a.numbers.length !== b.numbers.length) return a.numbers.length - b.numbers.length;
	if ((a.suffix === '') !== (b.suffix === '')) return a.suffix === '' ? -1 : 1;
	if (a.suffix !== b.suffix) return naturalCompare(a.suffix, b.suffix);
	if (a.pre === null || b.pre === null) return a.pre === b.pre ? 0 : a.pre === null ? -1 : 1;
	return -naturalCompare(a.pre, b.pre);
}

function versionCompare(a: string, b: string): number {
	if (a === 'latest' || b === 'latest') return a === b ? 0 : a === 'latest' ? -1 : 1;
	const va = parseVersion(a);
	const vb = parseVersion(b);
	if (va && vb) return compareVersions(va, vb) || naturalCompare(a, b);
	if (va || vb) return va ? -1 : 1;
	return naturalCompare(a, b);
}

/**
 * A sorted copy of `tags`. `created` (tag → ISO time, for `newest`) may be partial: tags without a
 * known time follow the dated ones, in version order.
 */
export function sortTags(tags: readonly string[], mode: TagSort, created?: ReadonlyMap<string, string>): string[] {
	const out = [...tags];
	if (mode === 'name') return out.sort(naturalCompare);
	if (mode === 'version' || !created) return out.sort(versionCompare);
	const time = (t: string) => {
		const v = created.get(t);
		const ms = v ? Date.parse(v) : NaN;
		return Number.isFinite(ms) ? ms : null;
	};
	return out.sort((a, b) => {
		const ta = time(a);
		const tb = time(b);
		if (ta !== null && tb !== null && ta !== tb) return tb - ta;
		if ((ta === null) !== (tb === null)) return ta === null ? 1 : -1;
		return versionCompare(a, b);
	});
}
