/**
 * A streaming tar reader: push chunks of any size, get one TarEntry per member and (optionally) the bytes
 * of each member's data as they pass. Only headers and PAX / GNU long-name records are ever buffered
 * (capped at 1 MiB, as Go does); file contents go straight through, so memory does not grow with the layer.
 */
import { BLOCK, checkChecksum, field, headerFormat, isZeroBlock, paxInt, paxTime, parsePax, readNumber, tarError } from './fields';
import { cleanPath, cstring, decodeName } from './names';
import type { EntryType, TarEntry, TarSummary } from './types';

export const MAX_META_BYTES = 1 << 20;

export interface TarHandlers {
	onEntry?(entry: TarEntry): void;
	/** Stored data of the current member, in order; `at` is the position within that data. */
	onData?(entry: TarEntry, chunk: Uint8Array, at: number): void;
}

type State = 'header' | 'sparse-ext' | 'meta' | 'data' | 'pad' | 'end';

const TYPES: Record<string, EntryType> = {
	'0': 'file',
	'\0': 'file',
	'7': 'file',
	S: 'file',
	'1': 'hardlink',
	'2': 'symlink',
	'3': 'char',
	'4': 'block',
	'5': 'dir',
	D: 'dir',
	'6': 'fifo'
};

export class TarReader {
	private pos = 0;
	private state: State = 'header';
	private acc = new Uint8Array(BLOCK);
	private accLen = 0;
	private need = BLOCK;
	private remaining = 0;
	private dataAt = 0;
	private zeroBlocks = 0;
	private metaType = '';
	private metaStart = 0;
	private metaSize = 0;
	private pax = new Map<string, Uint8Array>();
	private longName: Uint8Array | null = null;
	private longLink: Uint8Array | null = null;
	private memberStart = -1;
	private current: TarEntry | null = null;
	private pendingHeader: Uint8Array | null = null;
	private count = 0;
	private endOffset = 0;
	private globals = 0;

	constructor(private readonly handlers: TarHandlers = {}) {}

	/** Bytes consumed so far (the offset errors name). */
	get offset(): number {
		return this.pos;
	}

	push(chunk: Uint8Array): void {
		let i = 0;
		while (i < chunk.length) {
			if (this.state === 'end') {
				this.pos += chunk.length - i;
				return;
			}
			if (this.state === 'data' || this.state === 'pad') {
				const n = Math.min(this.remaining, chunk.length - i);
				if (this.state === 'data' && n > 0 && this.current) {
					this.handlers.onData?.(this.current, chunk.subarray(i, i + n), this.dataAt);
					this.dataAt += n;
				}
				i += n;
				this.pos += n;
				this.remaining -= n;
				if (this.remaining === 0) this.afterSkip();
				continue;
			}
			const n = Math.min(this.need - this.accLen, chunk.length - i);
			this.acc.set(chunk.subarray(i, i + n), this.accLen);
			this.accLen += n;
			i += n;
			this.pos += n;
			if (this.accLen === this.need) this.onBuffered();
		}
	}

	/** Call at end of stream: errors if it stopped inside a member. */
	finish(): TarSummary {
		if (this.state !== 'end' && !(this.state === 'header' && this.accLen === 0 && this.metaType === '')) {
			const where = this.memberStart >= 0 ? `the member at offset ${this.memberStart}` : `the header at offset ${this.pos - this.accLen}`;
			tarError(this.pos, `the stream ended inside ${where} (truncated layer)`);
		}
		if (this.state !== 'end' && (this.pax.size > 0 || this.longName || this.longLink)) {
			tarError(this.pos, 'the stream ended after an extended header with no member');
		}
		return {
			entries: this.count,
			endOffset: this.state === 'end' ? this.endOffset : this.pos,
			endMarker: this.state === 'end',
			globalHeaders: this.globals
		};
	}

	private expect(bytes: number, state: State): void {
		if (this.acc.length < bytes) this.acc = new Uint8Array(bytes);
		this.accLen = 0;
		this.need = bytes;
		this.state = state;
	}

	private afterSkip(): void {
		if (this.state === 'data') {
			const stored = this.current?.storedSize ?? 0;
			const pad = (BLOCK - (stored % BLOCK)) % BLOCK;
			this.current = null;
			this.state = 'pad';
			this.remaining = pad;
			if (pad > 0) return;
		}
		this.memberStart = -1;
		this.expect(BLOCK, 'header');
	}

	private onBuffered(): void {
		if (this.state === 'header') return this.onHeader(this.acc.subarray(0, BLOCK));
		if (this.state === 'meta') return this.onMeta(this.acc.subarray(0, this.need));
		if (this.state === 'sparse-ext') {
			const more = this.acc[504] !== 0;
			if (more) return this.expect(BLOCK, 'sparse-ext');
			return this.startData(this.pendingHeader!);
		}
	}

	private onHeader(h: Uint8Array): void {
		const at = this.pos - BLOCK;
		if (isZeroBlock(h)) {
			if (this.zeroBlocks === 0) this.endOffset = at;
			this.zeroBlocks++;
			this.accLen = 0;
			if (this.zeroBlocks === 2) this.state = 'end';
			return;
		}
		if (this.zeroBlocks > 0) tarError(at, 'a header follows a single zero block');
		checkChecksum(h, at);
		if (this.memberStart < 0) this.memberStart = at;
		const flag = String.fromCharCode(h[156]!);
		if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
			const size = readNumber(h, 124, 12, at, 'size');
			if (size > MAX_META_BYTES) tarError(at, `extended header of ${size} bytes exceeds the ${MAX_META_BYTES} byte limit`);
			this.metaType = flag;
			this.metaStart = at;
			const padded = Math.ceil(size / BLOCK) * BLOCK;
			this.expect(padded, 'meta');
			this.metaSize = size;
			if (padded === 0) this.onMeta(new Uint8Array(0));
			return;
		}
		const header = h.slice();
		if (flag === 'S' && h[482] !== 0) {
			this.pendingHeader = header;
			return this.expect(BLOCK, 'sparse-ext');
		}
		this.startData(header);
	}

	private onMeta(padded: Uint8Array): void {
		const data = padded.subarray(0, this.metaSize);
		const at = this.metaStart;
		if (this.metaType === 'x') for (const [k, v] of parsePax(data, at)) this.pax.set(k, v.slice());
		else if (this.metaType === 'g') {
			parsePax(data, at);
			this.globals++;
		} else if (this.metaType === 'L') this.longName = cstring(data).slice();
		else this.longLink = cstring(data).slice();
		this.metaType = '';
		this.expect(BLOCK, 'header');
	}

	private startData(h: Uint8Array): void {
		const entry = this.buildEntry(h, this.memberStart);
		this.pax.clear();
		this.longName = null;
		this.longLink = null;
		this.pendingHeader = null;
		this.count++;
		this.handlers.onEntry?.(entry);
		// Links, devices, fifos and directories carry no data even if their size field says otherwise (as Go).
		const stored = entry.type === 'file' || h[156] === 0x44 ? entry.storedSize : 0;
		this.current = entry;
		this.dataAt = 0;
		this.state = 'data';
		this.remaining = stored;
		if (stored === 0) this.afterSkip();
	}

	private buildEntry(h: Uint8Array, at: number): TarEntry {
		const format = headerFormat(h);
		const flag = String.fromCharCode(h[156]!);
		const pax = this.pax;
		let nameBytes: Uint8Array = field(h, 0, 100);
		if (format === 'posix') {
			const prefix = field(h, 345, 155);
			if (prefix.length > 0) nameBytes = new Uint8Array([...prefix, 0x2f, ...nameBytes]);
		}
		if (this.longName) nameBytes = this.longName;
		const sparseName = pax.get('GNU.sparse.name');
		if (pax.has('path')) nameBytes = pax.get('path')!;
		if (sparseName) nameBytes = sparseName;
		const name = decodeName(nameBytes);
		let type: EntryType = TYPES[flag] ?? 'file';
		if (format === 'v7' && type === 'file' && name.text.endsWith('/')) type = 'dir';
		const storedSize = pax.has('size') ? paxInt(pax.get('size')!, 'size', at) : readNumber(h, 124, 12, at, 'size');
		let size = type === 'file' ? storedSize : 0;
		let sparse = false;
		if (flag === 'S') {
			sparse = true;
			size = readNumber(h, 483, 12, at, 'sparse real size');
		}
		const real = pax.get('GNU.sparse.realsize') ?? pax.get('GNU.sparse.size');
		if (real) {
			sparse = true;
			size = paxInt(real, 'GNU.sparse.realsize', at);
		}
		const entry: TarEntry = {
			path: cleanPath(name.text, at),
			type,
			size,
			storedSize,
			mode: readNumber(h, 100, 8, at, 'mode') & 0o7777,
			uid: pax.has('uid') ? paxInt(pax.get('uid')!, 'uid', at) : readNumber(h, 108, 8, at, 'uid'),
			gid: pax.has('gid') ? paxInt(pax.get('gid')!, 'gid', at) : readNumber(h, 116, 8, at, 'gid'),
			mtime: pax.has('mtime') ? paxTime(pax.get('mtime')!, 'mtime', at) : readNumber(h, 136, 12, at, 'mtime'),
			offset: at
		};
		if (entry.path === '') tarError(at, 'a member has an empty name');
		if (name.nonUtf8) entry.nonUtf8 = true;
		if (sparse) entry.sparse = true;
		const uname = pax.get('uname') ?? (format !== 'v7' ? field(h, 265, 32) : undefined);
		const gname = pax.get('gname') ?? (format !== 'v7' ? field(h, 297, 32) : undefined);
		if (uname && uname.length > 0) entry.uname = decodeName(uname).text;
		if (gname && gname.length > 0) entry.gname = decodeName(gname).text;
		if (type === 'symlink' || type === 'hardlink') {
			const link = decodeName(pax.get('linkpath') ?? this.longLink ?? field(h, 157, 100));
			entry.linkname = type === 'hardlink' ? cleanPath(link.text, at, 'link target') : link.text;
		}
		if (type === 'char' || type === 'block') {
			entry.devmajor = readNumber(h, 329, 8, at, 'devmajor');
			entry.devminor = readNumber(h, 337, 8, at, 'devminor');
		}
		const xattrs = [...pax.keys()].filter((k) => k.startsWith('SCHILY.xattr.')).map((k) => k.slice(13));
		if (xattrs.length > 0) entry.xattrs = xattrs;
		return entry;
	}
}
