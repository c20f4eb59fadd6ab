import { describe, expect, it } from 'vitest';
import type { LayerFile, LayerListing } from './listing';
import { finalFilesystem, largestFiles } from './final-fs';

const f = (path: string, size = 0, type: LayerFile['type'] = 'file', linkname?: string): LayerFile => ({
	path,
	type,
	size,
	mode: 0o644,
	uid: 0,
	gid: 0,
	mtime: 0,
	...(linkname ? { linkname } : {})
});
const d = (path: string) => f(path, 0, 'dir');
const L = (files: LayerFile[], whiteouts: LayerListing['whiteouts'] = []): LayerListing => ({ files, whiteouts });

describe('finalFilesystem', () => {
	const layers = [
		L([d('etc'), f('etc/a', 10), f('etc/b', 20), d('var'), d('var/cache'), f('var/cache/x', 100), f('var/keep', 5), f('big', 1000)]),
		L(
			[d('etc'), f('etc/a', 15), f('var/new', 1), f('link', 0, 'hardlink', 'etc/b')],
			[
				{ path: 'big', opaque: false },
				{ path: 'var', opaque: true }
			]
		),
		L([f('etc/b', 0, 'symlink', 'a'), f('var/cache', 3)], [{ path: 'etc/b', opaque: false }])
	];
	const fs = finalFilesystem(layers);

	it('records for each path the layer that last wrote it and the copies it replaced', () => {
		expect([...fs.entries.keys()]).toEqual(['etc', 'etc/a', 'etc/b', 'link', 'var', 'var/cache', 'var/new']);
		expect(fs.entries.get('etc/a')).toMatchObject({ layer: 1, replaced: [0] });
		expect(fs.entries.get('etc')).toMatchObject({ layer: 1, replaced: [0] });
		expect(fs.entries.get('etc/b')).toMatchObject({ layer: 2 });
		expect(fs.entries.get('var/cache')).toMatchObject({ layer: 2, replaced: [] });
	});

	it('applies whiteouts and opaque directories as deletions of lower copies only', () => {
		expect(fs.entries.has('big')).toBe(false);
		expect(fs.entries.has('var/keep')).toBe(false);
		expect(fs.entries.has('var/new')).toBe(true);
		expect(fs.layers[1]!.deleted.sort()).toEqual(['big', 'var/cache', 'var/cache/x', 'var/keep']);
		expect(fs.removed).toContainEqual({ path: 'big', layer: 0, by: 1, size: 1000 });
	});

	it('lists what each layer added and changed', () => {
		expect(fs.layers[1]!.added).toEqual(['var/new', 'link']);
		expect(fs.layers[1]!.changed).toEqual(['etc', 'etc/a']);
		expect(fs.layers[2]!.added).toEqual(['etc/b', 'var/cache']);
		expect(fs.layers[0]!.bytes).toBe(1135);
	});

	it('computes wasted bytes and efficiency as dive does, and finds broken hard links', () => {
		// written twice: etc/a 10+15, etc/b 20+0+0, big 1000+0, var/cache/x 100+0, var/keep 5+0
		expect(fs.wastedBytes).toBe(25 + 20 + 1000 + 100 + 5);
		// min: etc/a 10, others 0; plus single copies var/new 1, link 0, var/cache 3
		expect(fs.efficiency).toBeCloseTo((10 + 1 + 3) / (1150 + 4), 10);
		expect(fs.brokenLinks).toEqual([]);
		const broken = finalFilesystem([L([f('a', 1)]), L([f('h', 0, 'hardlink', 'a')]), L([], [{ path: 'a', opaque: false }])]);
		expect(broken.brokenLinks).toEqual(['h']);
		expect(finalFilesystem([]).efficiency).toBe(1);
	});

	it('replacing a directory with a file removes its subtree', () => {
		const r = finalFilesystem([L([d('x'), f('x/y', 7)]), L([f('x', 1)])]);
		expect([...r.entries.keys()]).toEqual(['x']);
		expect(r.removed.map((e) => e.path).sort()).toEqual(['x', 'x/y']);
	});

	it('lists the largest files', () => {
		expect(largestFiles(fs, 2).map(([p]) => p)).toEqual(['etc/a', 'var/cache']);
	});
});
