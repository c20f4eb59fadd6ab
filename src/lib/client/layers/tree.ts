/** The file browser's views of a listing: a directory tree with sizes, a flat list, a filter. Pure. */
import type { LayerFile } from '$lib/oci/layer';

export interface TreeNode {
	name: string;
	path: string;
	/** The listing's entry; absent for directories the tar implies but does not list. */
	file?: LayerFile;
	children: TreeNode[];
	/** Σ sizes of the regular files at and below this node. */
	size: number;
	/** Files (non-directories) at and below this node. */
	count: number;
}

export function buildTree(files: LayerFile[]): TreeNode {
	const root: TreeNode = { name: '/', path: '', children: [], size: 0, count: 0 };
	const index = new Map<string, TreeNode>([['', root]]);
	const nodeFor = (path: string): TreeNode => {
		const found = index.get(path);
		if (found) return found;
		const slash = path.lastIndexOf('/');
		const parent = nodeFor(slash < 0 ? '' : path.slice(0, slash));
		const node: TreeNode = { name: path.slice(slash + 1), path, children: [], size: 0, count: 0 };
		parent.children.push(node);
		index.set(path, node);
		return node;
	};
	for (const f of files) nodeFor(f.path).file = f;
	const total = (n: TreeNode): void => {
		for (const c of n.children) total(c);
		const own = n.file && n.file.type !== 'dir' ? 1 : 0;
		n.size = (n.file?.type === 'file' ? n.file.size : 0) + n.children.reduce((s, c) => s + c.size, 0);
		n.count = own + n.children.reduce((s, c) => s + c.count, 0);
		n.children.sort((a, b) => Number(isDir(b)) - Number(isDir(a)) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	};
	total(root);
	return root;
}

export function isDir(n: TreeNode): boolean {
	return n.children.length > 0 || n.file?.type === 'dir';
}

/** Visible rows of the tree: a node's children only when it is open. */
export function visibleRows(root: TreeNode, open: Set<string>): { node: TreeNode; depth: number }[] {
	const out: { node: TreeNode; depth: number }[] = [];
	const walk = (n: TreeNode, depth: number) => {
		for (const c of n.children) {
			out.push({ node: c, depth });
			if (open.has(c.path)) walk(c, depth + 1);
		}
	};
	walk(root, 0);
	return out;
}

/** Every ancestor directory of a path (to open the tree down to it). */
export function ancestors(path: string): string[] {
	const parts = path.split('/');
	return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

export type SortKey = 'path' | 'size';

/** The flat list, filtered by a case-insensitive substring of the path, sorted. */
export function flatList(files: LayerFile[], filter: string, sort: SortKey): LayerFile[] {
	const f = filter.trim().toLowerCase().replace(/^\/+/, '');
	const rows = f ? files.filter((x) => x.path.toLowerCase().includes(f)) : files.slice();
	if (sort === 'size') rows.sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : 1));
	else rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
	return rows;
}

/** `-rwxr-xr-x`, `drwxr-xr-x`, `lrwxrwxrwx`, with setuid/setgid/sticky. */
export function modeString(f: LayerFile): string {
	const t = { file: '-', dir: 'd', symlink: 'l', hardlink: 'h', char: 'c', block: 'b', fifo: 'p' }[f.type];
	const m = f.mode;
	const bit = (mask: number, c: string) => (m & mask ? c : '-');
	const x = (exec: number, special: number, on: string, off: string) => (m & special ? (m & exec ? on : off) : bit(exec, 'x'));
	return (
		t +
		bit(0o400, 'r') +
		bit(0o200, 'w') +
		x(0o100, 0o4000, 's', 'S') +
		bit(0o40, 'r') +
		bit(0o20, 'w') +
		x(0o10, 0o2000, 's', 'S') +
		bit(0o4, 'r') +
		bit(0o2, 'w') +
		x(0o1, 0o1000, 't', 'T')
	);
}
