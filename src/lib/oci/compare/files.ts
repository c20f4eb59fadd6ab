/**
 * Two final filesystems compared path by path: added, removed and changed paths, and why each changed
 * (type, size, mode, link target, content digest where both sides know it). The filesystems come from
 * the layer listings (whiteouts already applied); this module only needs the small interface below.
 */

/** One path of a final filesystem, as a layer listing reports it. */
export interface FileEntry {
	/** Relative to the root, without a leading `/` or `./` (both are tolerated and removed). */
	path: string;
	/** The tar entry kind: `file`, `dir`, `symlink`, `hardlink`, `char`, `block`, `fifo`… */
	type: string;
	size: number;
	/** Permission bits (and setuid/setgid/sticky), as in the tar header. */
	mode: number;
	/** Link target of a symlink or hardlink. */
	linkname?: string;
	/** Digest of the file's content, when the listing computed one. */
	digest?: string;
}

export type FileChangeKind = 'added' | 'removed' | 'changed';
export type ChangeReason = 'type' | 'size' | 'mode' | 'linkname' | 'content';

export interface FileChange {
	path: string;
	change: FileChangeKind;
	a?: FileEntry;
	b?: FileEntry;
	/** For `changed`: what differs. */
	reasons: ChangeReason[];
	/** B's size minus A's (a removed file counts negative, an added one positive). */
	sizeDelta: number;
}

export interface FileComparison {
	/** Sorted by path. */
	changes: FileChange[];
	added: number;
	removed: number;
	changed: number;
	unchanged: number;
	/** Of the unchanged regular files, those equal in type, size and mode but whose content was not compared (a digest missing on a side). */
	unchangedUnhashed: number;
	sizeDelta: number;
}

export function normalizePath(p: string): string {
	return p.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
}

function byPath(entries: readonly FileEntry[]): Map<string, FileEntry> {
	const m = new Map<string, FileEntry>();
	for (const e of entries) {
		const path = normalizePath(e.path);
		// The root itself ('.' or '/') is in every image and says nothing.
		if (path !== '' && path !== '.') m.set(path, e);
	}
	return m;
}

const regular = (e: FileEntry) => e.type === 'file';

function reasonsOf(a: FileEntry, b: FileEntry): ChangeReason[] {
	const out: ChangeReason[] = [];
	if (a.type !== b.type) return ['type'];
	if (regular(a) && a.size !== b.size) out.push('size');
	if ((a.mode & 0o7777) !== (b.mode & 0o7777)) out.push('mode');
	if ((a.linkname ?? '') !== (b.linkname ?? '')) out.push('linkname');
	if (regular(a) && a.size === b.size && a.digest !== undefined && b.digest !== undefined && a.digest !== b.digest) out.push('content');
	return out;
}

const sizeOf = (e: FileEntry | undefined) => (e && regular(e) ? e.size : 0);

export function compareFiles(a: readonly FileEntry[], b: readonly FileEntry[]): FileComparison {
	const x = byPath(a);
	const y = byPath(b);
	const changes: FileChange[] = [];
	let unchanged = 0;
	let unchangedUnhashed = 0;
	for (const [path, ea] of x) {
		const eb = y.get(path);
		if (!eb) {
			changes.push({ path, change: 'removed', a: ea, reasons: [], sizeDelta: -sizeOf(ea) });
			continue;
		}
		const reasons = reasonsOf(ea, eb);
		if (reasons.length > 0) {
			changes.push({ path, change: 'changed', a: ea, b: eb, reasons, sizeDelta: sizeOf(eb) - sizeOf(ea) });
		} else {
			unchanged++;
			if (regular(ea) && (ea.digest === undefined || eb.digest === undefined)) unchangedUnhashed++;
		}
	}
	for (const [path, eb] of y) {
		if (!x.has(path)) changes.push({ path, change: 'added', b: eb, reasons: [], sizeDelta: sizeOf(eb) });
	}
	changes.sort((p, q) => (p.path < q.path ? -1 : p.path > q.path ? 1 : 0));
	const count = (k: FileChangeKind) => changes.filter((c) => c.change === k).length;
	return {
		changes,
		added: count('added'),
		removed: count('removed'),
		changed: count('changed'),
		unchanged,
		unchangedUnhashed,
		sizeDelta: changes.reduce((n, c) => n + c.sizeDelta, 0)
	};
}

/** The changes whose path contains `query` (case-insensitive) and whose kind is in `kinds`. */
export function filterFileChanges(
	changes: readonly FileChange[],
	query: string,
	kinds: ReadonlySet<FileChangeKind> = new Set(['added', 'removed', 'changed'])
): FileChange[] {
	const q = query.trim().toLowerCase();
	return changes.filter((c) => kinds.has(c.change) && (q === '' || c.path.toLowerCase().includes(q)));
}

export interface FileEntryJson {
	Type: string;
	Size: number;
	Mode: number;
	Linkname?: string;
	Digest?: string;
}

export interface FileChangeJson {
	Path: string;
	Change: FileChangeKind;
	Reasons: ChangeReason[];
	SizeDelta: number;
	A: FileEntryJson | null;
	B: FileEntryJson | null;
}

export interface FilesJson {
	Added: number;
	Removed: number;
	Changed: number;
	Unchanged: number;
	SizeDelta: number;
	Changes: FileChangeJson[];
}

function entryJson(e: FileEntry | undefined): FileEntryJson | null {
	if (!e) return null;
	return {
		Type: e.type,
		Size: e.size,
		Mode: e.mode,
		...(e.linkname !== undefined ? { Linkname: e.linkname } : {}),
		...(e.digest ? { Digest: e.digest } : {})
	};
}

/** The `Files` section of `/api/compare?…&files=1`, in the API's PascalCase. */
export function toFilesJson(c: FileComparison): FilesJson {
	return {
		Added: c.added,
		Removed: c.removed,
		Changed: c.changed,
		Unchanged: c.unchanged,
		SizeDelta: c.sizeDelta,
		Changes: c.changes.map((x) => ({
			Path: x.path,
			Change: x.change,
			Reasons: x.reasons,
			SizeDelta: x.sizeDelta,
			A: entryJson(x.a),
			B: entryJson(x.b)
		}))
	};
}
