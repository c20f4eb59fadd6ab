import { describe, expect, it } from 'vitest';
import { compareFiles, filterFileChanges, type FileEntry } from './files';

const f = (path: string, size: number, extra: Partial<FileEntry> = {}): FileEntry => ({ path, type: 'file', size, mode: 0o644, ...extra });
const dir = (path: string): FileEntry => ({ path, type: 'dir', size: 0, mode: 0o755 });

describe('compareFiles', () => {
	const a = [
		dir('./'),
		dir('app/'),
		f('app/VERSION', 4, { digest: 'sha256:aa' }),
		f('app/main.sh', 40, { mode: 0o644, digest: 'sha256:m' }),
		f('app/old.txt', 100),
		{ path: 'usr/bin/hello', type: 'symlink', size: 0, mode: 0o777, linkname: '../../bin/hello' },
		f('etc/passwd', 10)
	];
	const b = [
		dir('/'),
		dir('/app'),
		f('/app/VERSION', 4, { digest: 'sha256:bb' }),
		f('/app/main.sh', 40, { mode: 0o755, digest: 'sha256:m' }),
		f('/app/new.txt', 7),
		{ path: '/usr/bin/hello', type: 'symlink', size: 0, mode: 0o777, linkname: '/bin/hello' },
		f('/etc/passwd', 12)
	];

	it('finds added, removed and changed paths with the reasons, paths normalised', () => {
		const c = compareFiles(a, b);
		expect(c.changes.map((x) => [x.path, x.change, x.reasons])).toEqual([
			['app/VERSION', 'changed', ['content']],
			['app/main.sh', 'changed', ['mode']],
			['app/new.txt', 'added', []],
			['app/old.txt', 'removed', []],
			['etc/passwd', 'changed', ['size']],
			['usr/bin/hello', 'changed', ['linkname']]
		]);
		expect([c.added, c.removed, c.changed, c.unchanged]).toEqual([1, 1, 4, 1]);
		expect(c.sizeDelta).toBe(7 - 100 + 2);
	});

	it('a type change is only a type change; files without digests are counted as not content-compared', () => {
		const c = compareFiles([f('x', 1), f('y', 5)], [dir('x'), f('y', 5, { digest: 'sha256:y' })]);
		expect(c.changes).toEqual([expect.objectContaining({ path: 'x', change: 'changed', reasons: ['type'], sizeDelta: -1 })]);
		expect([c.unchanged, c.unchangedUnhashed]).toEqual([1, 1]);
	});

	it('filters by path and by kind', () => {
		const { changes } = compareFiles(a, b);
		expect(filterFileChanges(changes, 'APP/').map((x) => x.path)).toEqual(['app/VERSION', 'app/main.sh', 'app/new.txt', 'app/old.txt']);
		expect(filterFileChanges(changes, '', new Set(['added', 'removed'])).map((x) => x.change)).toEqual(['added', 'removed']);
	});
});
