/** The fixed fields of a 512-byte tar header and PAX records, as Go's archive/tar reads them. */
import { RegscopeError } from '../errors';
import { cstring } from './names';

export const BLOCK = 512;

function fail(offset: number, message: string): never {
	throw new RegscopeError('INVALID_LAYER', `malformed tar at offset ${offset}: ${message}`);
}

/**
 * A numeric field: octal text padded with NUL or spaces, or (first byte has bit 0x80) base-256, big-endian
 * two's complement as GNU writes sizes of 8 GiB and more. Values past 2^53 are refused.
 */
export function readNumber(h: Uint8Array, at: number, len: number, offset: number, what: string): number {
	const f = h.subarray(at, at + len);
	if (f[0]! & 0x80) {
		const inv = f[0]! & 0x40 ? 0xff : 0;
		let v = 0n;
		for (let i = 0; i < f.length; i++) {
			let c = f[i]! ^ inv;
			if (i === 0) c &= 0x7f;
			v = (v << 8n) | BigInt(c);
		}
		if (inv) v = -v - 1n;
		if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
			fail(offset, `${what} does not fit in 53 bits`);
		}
		return Number(v);
	}
	let s = '';
	for (const b of f) {
		if (b === 0) break;
		s += String.fromCharCode(b);
	}
	s = s.trim();
	if (s === '') return 0;
	if (!/^[0-7]+$/.test(s)) fail(offset, `${what} field "${s.slice(0, 20)}" is not an octal number`);
	const v = parseInt(s, 8);
	if (!Number.isSafeInteger(v)) fail(offset, `${what} does not fit in 53 bits`);
	return v;
}

/** The stored checksum must equal the unsigned or the signed byte sum, the field counted as spaces. */
export function checkChecksum(h: Uint8Array, offset: number): void {
	const stored = readNumber(h, 148, 8, offset, 'checksum');
	let unsigned = 0;
	let signed = 0;
	for (let i = 0; i < BLOCK; i++) {
		const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
		unsigned += b;
		signed += b > 127 ? b - 256 : b;
	}
	if (stored !== unsigned && stored !== signed) {
		fail(offset, `header checksum ${stored} does not match the header bytes (${unsigned}); not a tar stream or corrupted`);
	}
}

export function isZeroBlock(h: Uint8Array): boolean {
	for (let i = 0; i < BLOCK; i++) if (h[i] !== 0) return false;
	return true;
}

/** `ustar\0` + `00` (POSIX), or `ustar ` + ` \0` (GNU); anything else is a v7 header without prefix. */
export function headerFormat(h: Uint8Array): 'posix' | 'gnu' | 'v7' {
	const magic = String.fromCharCode(...h.subarray(257, 263));
	if (magic === 'ustar\0') return 'posix';
	if (magic === 'ustar ') return 'gnu';
	return 'v7';
}

export function field(h: Uint8Array, at: number, len: number): Uint8Array {
	return cstring(h.subarray(at, at + len));
}

const latin = new TextDecoder('latin1');

/**
 * PAX records `"<len> <key>=<value>\n"` (len counts the whole record). Values stay bytes: paths may be
 * any bytes. Later records for a key override earlier ones.
 */
export function parsePax(data: Uint8Array, offset: number): Map<string, Uint8Array> {
	const out = new Map<string, Uint8Array>();
	let i = 0;
	while (i < data.length) {
		if (data[i] === 0) break;
		const space = data.indexOf(0x20, i);
		if (space === -1 || space - i > 20) fail(offset, 'PAX record without a length');
		const lenText = latin.decode(data.subarray(i, space));
		if (!/^[1-9]\d*$/.test(lenText)) fail(offset, `PAX record length "${lenText.slice(0, 20)}" is not a number`);
		const len = Number(lenText);
		const end = i + len;
		if (end > data.length || data[end - 1] !== 0x0a) fail(offset, 'PAX record length runs past its data');
		const record = data.subarray(space + 1, end - 1);
		const eq = record.indexOf(0x3d);
		if (eq <= 0) fail(offset, 'PAX record without key=value');
		out.set(new TextDecoder().decode(record.subarray(0, eq)), record.subarray(eq + 1));
		i = end;
	}
	return out;
}

export function paxText(v: Uint8Array): string {
	return new TextDecoder().decode(v);
}

/** A PAX decimal integer (`size`, `uid`, …). */
export function paxInt(v: Uint8Array, key: string, offset: number): number {
	const s = paxText(v).trim();
	if (!/^\d{1,16}$/.test(s) || !Number.isSafeInteger(Number(s))) fail(offset, `PAX ${key} "${s.slice(0, 30)}" is not a valid number`);
	return Number(s);
}

/** A PAX time: decimal seconds, optionally negative, optionally with a fraction. */
export function paxTime(v: Uint8Array, key: string, offset: number): number {
	const s = paxText(v).trim();
	if (!/^-?\d{1,15}(\.\d{0,12})?$/.test(s)) fail(offset, `PAX ${key} "${s.slice(0, 30)}" is not a valid time`);
	return Number(s);
}

export { fail as tarError };
