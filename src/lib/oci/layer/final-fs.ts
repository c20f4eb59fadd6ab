/**
 * The filesystem an image builds (dive's view), from its layer listings, base first: for each path the layer
 * that last wrote it, per layer what it added, changed and deleted, the wasted bytes and an efficiency figure.
 * Pure, so the layer browser and an image comparison use the same merge.
 *
 * Layers apply bottom-up, as containerd unpacks them: a layer's opaque whiteouts first (they hide every
 * lower child of the directory), then its whiteouts (a path and its subtree), then its entries (a directory
 * over a directory replaces attributes only; anything else replaces the path and whatever was under it).
 */
import type { LayerFile, LayerListing } from './listing';

export interface FinalEntry {
	file: LayerFile;
	/** Index of the layer this copy comes from. */
	layer: number;
	/** Lower layers whose copy of this path it replaced, nearest first. */
	replaced: number[];
}

export interface RemovedEntry {
	path: string;
	/** The layer whose copy was removed, and the one whose whiteout (or replacing entry) removed it. */
	layer: number;
	by: number;
	size: number;
}

export interface LayerChanges {
	added: string[];
	changed: string[];
	/** Paths of files and directories this layer deleted (whiteouts that hit something, and their subtrees). */
	deleted: string[];
	/** Σ tar sizes of the layer's entries. */
	bytes: number;
}

export interface FinalFilesystem {
	/** Every path present at the end, sorted. */
	entries: Map<string, FinalEntry>;
	layers: LayerChanges[];
	removed: RemovedEntry[];
	/** Σ over paths written by two or more layers (deletions count) of every copy's size. */
	wastedBytes: number;
	/** Σ smallest copy / Σ all copies over every file path (1 when all are empty), as dive computes it. */
	efficiency: number;
	totalBytes: number;
	/** Hard links whose target is not in the final filesystem. */
	brokenLinks: string[];
}

interface Node {
	children: Map<string, Node>;
	entry?: FinalEntry;
}

function node(): Node {
	return { children: new Map() };
}

function parts(path: string): string[] {
	return path === '' ? [] : path.split('/');
}

function find(root: Node, path: string, create: boolean): Node | undefined {
	let cur = root;
	for (const p of parts(path)) {
		let next = cur.children.get(p);
		if (!next) {
			if (!create) return undefined;
			next = node();
			cur.children.set(p, next);
		}
		cur = next;
	}
	return cur;
}

function walk(n: Node, path: string, visit: (path: string, n: Node) => void): void {
	visit(path, n);
	for (const [name, child] of n.children) walk(child, path ? `${path}/${name}` : name, visit);
}

interface Copies {
	count: number;
	sum: number;
	min: number;
}

export function finalFilesystem(listings: LayerListing[]): FinalFilesystem {
	const root = node();
	const removed: RemovedEntry[] = [];
	const copies = new Map<string, Copies>();
	const note = (path: string, size: number) => {
		const c = copies.get(path);
		if (c) {
			c.count++;
			c.sum += size;
			c.min = Math.min(c.min, size);
		} else copies.set(path, { count: 1, sum: size, min: size });
	};
	/** Removes everything under `n` (and `n` itself unless keepSelf) that lower layers wrote. */
	const drop = (n: Node, path: string, by: number, deleted: string[], keepSelf: boolean) => {
		walk(n, path, (p, m) => {
			if (!m.entry || (keepSelf && m === n)) return;
			removed.push({ path: p, layer: m.entry.layer, by, size: m.entry.file.size });
			deleted.push(p);
			if (m.entry.file.type !== 'dir') note(p, 0);
			m.entry = undefined;
		});
		if (keepSelf) n.children.clear();
	};
	const layers = listings.map((listing, i): LayerChanges => {
		const changes: LayerChanges = { added: [], changed: [], deleted: [], bytes: 0 };
		for (const w of listing.whiteouts.filter((w) => w.opaque)) {
			const n = find(root, w.path, false);
			if (n) drop(n, w.path, i, changes.deleted, true);
		}
		for (const w of listing.whiteouts.filter((w) => !w.opaque)) {
			const slash = w.path.lastIndexOf('/');
			const parent = find(root, slash < 0 ? '' : w.path.slice(0, slash), false);
			const name = w.path.slice(slash + 1);
			const n = parent?.children.get(name);
			if (!parent || !n) continue;
			drop(n, w.path, i, changes.deleted, false);
			parent.children.delete(name);
		}
		for (const file of listing.files) {
			changes.bytes += file.size;
			const n = find(root, file.path, true)!;
			const old = n.entry;
			if (old && !(old.file.type === 'dir' && file.type === 'dir')) {
				removed.push({ path: file.path, layer: old.layer, by: i, size: old.file.size });
				if (old.file.type === 'dir') drop(n, file.path, i, [], true);
			}
			n.entry = { file, layer: i, replaced: old ? [old.layer, ...old.replaced] : [] };
			(old ? changes.changed : changes.added).push(file.path);
			if (file.type !== 'dir') note(file.path, file.size);
		}
		return changes;
	});
	const entries = new Map<string, FinalEntry>();
	const paths: string[] = [];
	walk(root, '', (p, n) => {
		if (n.entry) paths.push(p);
	});
	paths.sort();
	for (const p of paths) entries.set(p, find(root, p, false)!.entry!);
	let wasted = 0;
	let sumMin = 0;
	let sumAll = 0;
	for (const c of copies.values()) {
		sumMin += c.min;
		sumAll += c.sum;
		if (c.count >= 2) wasted += c.sum;
	}
	const brokenLinks = [...entries].filter(([, e]) => e.file.type === 'hardlink' && !entries.has(e.file.linkname ?? '')).map(([p]) => p);
	return {
		entries,
		layers,
		removed,
		wastedBytes: wasted,
		efficiency: sumAll === 0 ? 1 : sumMin / sumAll,
		totalBytes: layers.reduce((n, l) => n + l.bytes, 0),
		brokenLinks
	};
}

/** The `n` largest regular files at the end, largest first. */
export function largestFiles(fs: FinalFilesystem, n = 20): [string, FinalEntry][] {
	return [...fs.entries]
		.filter(([, e]) => e.file.type === 'file')
		.sort((a, b) => b[1].file.size - a[1].file.size || (a[0] < b[0] ? -1 : 1))
		.slice(0, n);
}
