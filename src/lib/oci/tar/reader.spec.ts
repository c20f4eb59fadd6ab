import { describe, expect, it } from 'vitest';
import { RegscopeError } from '../errors';
import { TarReader } from './reader';
import type { TarEntry } from './types';
import { pax, rawTar, type RawMember } from '../../../../tests/fixtures/tar-raw';

/** Reads a whole archive, pushed in chunks of `step` bytes; collects entries and file contents. */
function read(archive: Uint8Array, step = archive.length) {
	const entries: TarEntry[] = [];
	const contents = new Map<string, string>();
	const r = new TarReader({
		onEntry: (e) => entries.push(e),
		onData: (e, chunk) => contents.set(e.path, (contents.get(e.path) ?? '') + new TextDecoder().decode(chunk))
	});
	for (let i = 0; i < archive.length; i += step) r.push(archive.subarray(i, i + step));
	return { entries, contents, summary: r.finish() };
}

function errorOf(f: () => unknown): RegscopeError {
	try {
		f();
	} catch (e) {
		if (e instanceof RegscopeError) return e;
		throw e;
	}
	throw new Error('expected an error');
}

const basic: RawMember[] = [
	{ flag: '5', name: './etc/', mode: 0o755 },
	{ flag: '0', name: './etc/os-release', data: 'ID=test\n', uid: 1000, gid: 1001, uname: 'me', gname: 'us' },
	{ flag: '2', name: 'etc/link', linkname: '/etc/os-release', mode: 0o777 },
	{ flag: '1', name: 'etc/hard', linkname: './etc/os-release' },
	{ flag: '3', name: 'dev/null', devmajor: 1, devminor: 3 },
	{ flag: '4', name: 'dev/sda', devmajor: 8, devminor: 0 },
	{ flag: '6', name: 'run/fifo' }
];

describe('TarReader', () => {
	it('reads ustar members of every type with their metadata, in any chunking', () => {
		for (const step of [1, 7, 512, 100_000]) {
			const { entries, contents, summary } = read(rawTar(basic), step);
			expect(entries.map((e) => [e.path, e.type])).toEqual([
				['etc', 'dir'],
				['etc/os-release', 'file'],
				['etc/link', 'symlink'],
				['etc/hard', 'hardlink'],
				['dev/null', 'char'],
				['dev/sda', 'block'],
				['run/fifo', 'fifo']
			]);
			const f = entries[1]!;
			expect(f).toMatchObject({ size: 8, uid: 1000, gid: 1001, uname: 'me', gname: 'us', mode: 0o644, mtime: 1709296496, offset: 512 });
			expect(entries[2]!.linkname).toBe('/etc/os-release');
			expect(entries[3]!.linkname).toBe('etc/os-release');
			expect(entries[4]).toMatchObject({ devmajor: 1, devminor: 3 });
			expect(contents.get('etc/os-release')).toBe('ID=test\n');
			expect(summary).toMatchObject({ entries: 7, endMarker: true });
		}
	});

	it('applies PAX path, linkpath, size, uid, gid, names and fractional mtime; long names over 100 bytes', () => {
		const long = `usr/share/${'d'.repeat(120)}/${'f'.repeat(90)}.txt`;
		const target = `/opt/${'t'.repeat(200)}`;
		const { entries, contents } = read(
			rawTar([
				{
					flag: 'x',
					name: 'PaxHeaders/x',
					data: pax([
						['path', long],
						['uid', '70000'],
						['uname', 'ünï'],
						['mtime', '1700000000.25'],
						['SCHILY.xattr.security.capability', 'x']
					])
				},
				{ flag: '0', name: 'truncated-name', data: 'hello' },
				{
					flag: 'x',
					name: 'PaxHeaders/y',
					data: pax([
						['linkpath', target],
						['path', 'lnk']
					])
				},
				{ flag: '2', name: 'ignored', linkname: 'short' }
			]),
			3
		);
		expect(entries[0]).toMatchObject({ path: long, uid: 70000, uname: 'ünï', mtime: 1700000000.25, xattrs: ['security.capability'] });
		expect(contents.get(long)).toBe('hello');
		expect(entries[1]).toMatchObject({ path: 'lnk', type: 'symlink', linkname: target });
	});

	it('reads GNU long names and long link names (L / K)', () => {
		const long = `a/${'n'.repeat(150)}`;
		const { entries } = read(
			rawTar([
				{ flag: 'L', name: '././@LongLink', data: `${long}\0`, magic: 'gnu' },
				{ flag: 'K', name: '././@LongLink', data: `${'l'.repeat(130)}\0`, magic: 'gnu' },
				{ flag: '2', name: 'cut', magic: 'gnu' }
			])
		);
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({ path: long, linkname: 'l'.repeat(130), type: 'symlink' });
	});

	it('uses the ustar prefix field', () => {
		const { entries } = read(rawTar([{ flag: '0', name: 'file', prefix: 'deep/dir', data: '' }]));
		expect(entries[0]!.path).toBe('deep/dir/file');
	});

	it('reads base-256 sizes (as GNU writes sizes of 8 GiB and more) and PAX sizes', () => {
		const { entries, contents } = read(rawTar([{ flag: '0', name: 'big', data: 'abc', sizeField: 'base256' }]));
		expect(entries[0]!.size).toBe(3);
		expect(contents.get('big')).toBe('abc');
		// A PAX size overrides the header's; only metadata is checked here (the stream would need 9 GiB).
		const huge = 9 * 1024 ** 3;
		const r = new TarReader({ onEntry: (e) => expect(e.size).toBe(huge) });
		r.push(
			rawTar(
				[
					{ flag: 'x', name: 'p', data: pax([['size', String(huge)]]) },
					{ flag: '0', name: 'h' }
				],
				false
			)
		);
		expect(() => r.finish()).toThrow(/ended inside the member at offset 0/);
	});

	it('shows sparse files as such, with their real size (GNU S and PAX GNU.sparse)', () => {
		const { entries } = read(
			rawTar([
				{ flag: 'S', name: 'sparse', data: 'xyz', magic: 'gnu', patch: [[483, new TextEncoder().encode('00000010000\0')]] },
				{
					flag: 'x',
					name: 'p',
					data: pax([
						['GNU.sparse.major', '1'],
						['GNU.sparse.minor', '0'],
						['GNU.sparse.name', 'pax-sparse'],
						['GNU.sparse.realsize', '1048576']
					])
				},
				{ flag: '0', name: 'GNUSparseFile.0/pax-sparse', data: '1\n0\n3\nabc' }
			])
		);
		expect(entries[0]).toMatchObject({ path: 'sparse', sparse: true, size: 0o10000, storedSize: 3 });
		expect(entries[1]).toMatchObject({ path: 'pax-sparse', sparse: true, size: 1048576, storedSize: 9 });
	});

	it('keeps names that are not UTF-8 distinct and printable', () => {
		const { entries } = read(
			rawTar([
				{ flag: '0', name: new Uint8Array([0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]), data: '' },
				{ flag: '0', name: new Uint8Array([0x66, 0xc3, 0xa9, 0x2e, 0x74, 0x78, 0x74]), data: '' }
			])
		);
		expect(entries[0]).toMatchObject({ path: 'f\\xe9.txt', nonUtf8: true });
		expect(entries[1]!.path).toBe('fé.txt');
		expect(entries[1]!.nonUtf8).toBeUndefined();
	});

	it('reports whiteout names as plain members (the layer code interprets them)', () => {
		const { entries } = read(
			rawTar([
				{ flag: '0', name: 'etc/.wh.gone' },
				{ flag: '0', name: 'var/.wh..wh..opq' }
			])
		);
		expect(entries.map((e) => e.path)).toEqual(['etc/.wh.gone', 'var/.wh..wh..opq']);
	});

	it('treats v7 names ending in / as directories and ignores a PAX global header', () => {
		const { entries, summary } = read(
			rawTar([
				{ flag: 'g', name: 'global', data: pax([['comment', 'x']]) },
				{ flag: '0', name: 'olddir/', magic: 'v7' }
			])
		);
		expect(entries[0]).toMatchObject({ path: 'olddir', type: 'dir' });
		expect(summary.globalHeaders).toBe(1);
	});

	it('accepts trailing bytes after the end marker and an archive without one', () => {
		const a = rawTar(basic);
		const withJunk = new Uint8Array([...a, ...new Uint8Array(4096).fill(7)]);
		expect(read(withJunk).summary).toMatchObject({ entries: 7, endMarker: true, endOffset: a.length - 1024 });
		expect(read(rawTar(basic, false)).summary).toMatchObject({ entries: 7, endMarker: false });
	});

	it('names the offset of malformed input', () => {
		const a = rawTar(basic);
		const bad = rawTar([...basic.slice(0, 2), { ...basic[2]!, badChecksum: true }]);
		const e = errorOf(() => read(bad));
		expect(e.code).toBe('INVALID_LAYER');
		expect(e.message).toMatch(/offset 1536: header checksum/);
		expect(errorOf(() => read(a.subarray(0, 1000))).message).toMatch(/offset 1000: the stream ended inside the header at offset 512/);
		expect(errorOf(() => read(a.subarray(0, 1028))).message).toMatch(/offset 1028: the stream ended inside the member at offset 512/);
		expect(errorOf(() => read(new TextEncoder().encode('x'.repeat(600)))).message).toMatch(
			/offset 0: .*not an octal number|offset 0: header checksum/
		);
		expect(errorOf(() => read(rawTar([{ flag: '0', name: '../etc/passwd', data: '' }]))).message).toMatch(
			/offset 0: name "..\/etc\/passwd" escapes/
		);
		expect(errorOf(() => read(rawTar([{ flag: '0', name: '/abs', data: '' }]))).message).toMatch(/absolute name/);
		const badPax = rawTar([
			{ flag: 'x', name: 'p', data: '99 path=x\n' },
			{ flag: '0', name: 'a' }
		]);
		expect(errorOf(() => read(badPax)).message).toMatch(/offset 0: PAX record length runs past/);
		const oneZero = new Uint8Array([...new Uint8Array(512), ...rawTar(basic)]);
		expect(errorOf(() => read(oneZero)).message).toMatch(/offset 512: a header follows a single zero block/);
	});
});
