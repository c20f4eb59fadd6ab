import { describe, expect, it } from 'vitest';
import type { LayerFile } from '$lib/oci/layer';
import { ancestors, buildTree, flatList, modeString, visibleRows } from './tree';
import { hexDump, showBytes } from './content';

const f = (path: string, size = 0, type: LayerFile['type'] = 'file', mode = 0o644): LayerFile => ({
	path,
	size,
	type,
	mode,
	uid: 0,
	gid: 0,
	mtime: 0
});

describe('file browser views', () => {
	const files = [
		f('etc', 0, 'dir', 0o755),
		f('etc/a', 10),
		f('usr/lib/x.so', 1000),
		f('usr/bin/sh', 50),
		f('etc/link', 0, 'symlink', 0o777)
	];

	it('builds a tree with directory sizes, implied directories and directories first', () => {
		const t = buildTree(files);
		expect(t.size).toBe(1060);
		expect(t.count).toBe(4);
		expect(t.children.map((c) => c.name)).toEqual(['etc', 'usr']);
		const usr = t.children[1]!;
		expect(usr.file).toBeUndefined();
		expect(usr.size).toBe(1050);
		expect(visibleRows(t, new Set(['usr'])).map((r) => [r.node.path, r.depth])).toEqual([
			['etc', 0],
			['usr', 0],
			['usr/bin', 1],
			['usr/lib', 1]
		]);
		expect(ancestors('usr/lib/x.so')).toEqual(['usr', 'usr/lib']);
	});

	it('filters and sorts the flat list', () => {
		expect(flatList(files, '/USR', 'size').map((x) => x.path)).toEqual(['usr/lib/x.so', 'usr/bin/sh']);
		expect(flatList(files, '', 'path').map((x) => x.path)).toEqual(['etc', 'etc/a', 'etc/link', 'usr/bin/sh', 'usr/lib/x.so']);
	});

	it('writes modes as ls does', () => {
		expect(modeString(f('d', 0, 'dir', 0o755))).toBe('drwxr-xr-x');
		expect(modeString(f('s', 0, 'file', 0o4755))).toBe('-rwsr-xr-x');
		expect(modeString(f('t', 0, 'dir', 0o1777))).toBe('drwxrwxrwt');
		expect(modeString(f('l', 0, 'symlink', 0o777))).toBe('lrwxrwxrwx');
	});

	it('shows text as text (UTF-8 or Latin-1) and binary as a hex dump', () => {
		expect(showBytes(new TextEncoder().encode('héllo\n'))).toEqual({ kind: 'text', text: 'héllo\n', encoding: 'utf-8', cut: false });
		expect(showBytes(new Uint8Array([0x63, 0x61, 0x66, 0xe9]))).toMatchObject({ kind: 'text', text: 'café', encoding: 'latin-1' });
		const bin = showBytes(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1]));
		expect(bin).toEqual({ kind: 'hex', lines: [`00000000  ${'7f 45 4c 46 00 01'.padEnd(47)}  |.ELF..|`], cut: false });
		expect(hexDump(new Uint8Array(33))).toHaveLength(3);
	});
});
