import { describe, expect, it } from 'vitest';
import { computeDigest } from '../digest';
import type { TarEntry } from '../tar/types';
import { FileDigests } from './file-digests';

const entry = (path: string, type: TarEntry['type'] = 'file', extra: Partial<TarEntry> = {}): TarEntry => ({
	path,
	type,
	size: 0,
	storedSize: 0,
	mode: 0o644,
	uid: 0,
	gid: 0,
	mtime: 0,
	offset: 0,
	...extra
});
const enc = new TextEncoder();

describe('FileDigests', () => {
	it('hashes each regular file over its chunks, and nothing else', async () => {
		const d = await FileDigests.create();
		const a = entry('a.txt');
		d.entry(a);
		d.data(a, enc.encode('hello '));
		d.data(a, enc.encode('world'));
		d.entry(entry('dir', 'dir'));
		d.entry(entry('link', 'symlink', { linkname: 'a.txt' }));
		const empty = entry('empty');
		d.entry(empty);
		const sparse = entry('sparse', 'file', { sparse: true });
		d.entry(sparse);
		d.data(sparse, enc.encode('data'));
		expect(d.finish()).toEqual({
			'a.txt': await computeDigest(enc.encode('hello world')),
			empty: await computeDigest(new Uint8Array(0))
		});
	});
});
