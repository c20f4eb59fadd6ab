/** What the tar reader hands out: one value per archive member, metadata only (contents are streamed). */

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TarEntry {
	/** Cleaned path without a leading slash (`etc/os-release`); bytes that are not UTF-8 appear as `\xNN`. */
	path: string;
	type: EntryType;
	/** Logical size in bytes (a sparse file's real size); 0 for everything but regular files. */
	size: number;
	/** Bytes of member data stored in the archive (differs from `size` only for sparse files). */
	storedSize: number;
	/** Permission bits and setuid/setgid/sticky (0o7777). */
	mode: number;
	uid: number;
	gid: number;
	uname?: string;
	gname?: string;
	/** Seconds since the epoch; PAX mtimes keep their fraction. */
	mtime: number;
	/** Target of a symlink or hard link (hard links: cleaned like a path). */
	linkname?: string;
	devmajor?: number;
	devminor?: number;
	/** Stored as a sparse file (GNU `S` or PAX GNU.sparse.*); only its data regions are in the archive. */
	sparse?: boolean;
	/** The name was not valid UTF-8 (shown with `\xNN` escapes). */
	nonUtf8?: boolean;
	/** xattr names from PAX `SCHILY.xattr.*` (e.g. `security.capability`). */
	xattrs?: string[];
	/** Byte offset of this member's (first) header in the uncompressed tar. */
	offset: number;
}

/** What the reader saw once the stream ended. */
export interface TarSummary {
	entries: number;
	/** Offset just after the last member's data (where the end-of-archive blocks begin). */
	endOffset: number;
	/** The archive ended with zero blocks (false: it just stopped at a header boundary). */
	endMarker: boolean;
	/** PAX global headers (`g`) seen; their values apply to nothing here (as in Go and containerd). */
	globalHeaders: number;
}
