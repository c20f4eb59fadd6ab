/** Turning tar name bytes into display-safe strings, and cleaning archive paths. */
import { RegscopeError } from '../errors';

const strict = new TextDecoder('utf-8', { fatal: true });

function hex(b: number): string {
	return `\\x${b.toString(16).padStart(2, '0')}`;
}

/** Length of the valid UTF-8 sequence starting at i, or 0 when the byte there does not start one. */
function sequenceLength(bytes: Uint8Array, i: number): number {
	const b = bytes[i]!;
	if (b < 0x80) return 1;
	const n = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
	if (n === 0 || i + n > bytes.length) return 0;
	for (let k = 1; k < n; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return 0;
	const b1 = bytes[i + 1]!;
	// overlong forms, surrogates and values past U+10FFFF
	if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f)) return 0;
	if ((b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) return 0;
	return n;
}

/**
 * Bytes → string. Valid UTF-8 decodes as is; otherwise each byte that is not part of a valid sequence
 * becomes `\xNN`, so two different names never collapse into one and nothing breaks the page.
 */
export function decodeName(bytes: Uint8Array): { text: string; nonUtf8: boolean } {
	try {
		return { text: strict.decode(bytes), nonUtf8: false };
	} catch {
		let text = '';
		for (let i = 0; i < bytes.length;) {
			const n = sequenceLength(bytes, i);
			if (n === 0) {
				text += hex(bytes[i]!);
				i++;
			} else {
				text += strict.decode(bytes.subarray(i, i + n));
				i += n;
			}
		}
		return { text, nonUtf8: true };
	}
}

/** The bytes of a NUL-terminated field (up to the first NUL). */
export function cstring(field: Uint8Array): Uint8Array {
	const end = field.indexOf(0);
	return end === -1 ? field : field.subarray(0, end);
}

/**
 * `./a/b/`, `a//b` → `a/b`. Absolute names and names that climb out of the root with `..` are refused:
 * a layer must not write outside the filesystem it builds.
 */
export function cleanPath(name: string, offset: number, what = 'name'): string {
	if (name.startsWith('/')) {
		throw new RegscopeError('INVALID_LAYER', `tar member at offset ${offset}: absolute ${what} "${name.slice(0, 200)}"`);
	}
	const out: string[] = [];
	for (const part of name.split('/')) {
		if (part === '' || part === '.') continue;
		if (part === '..') {
			if (out.length === 0) {
				throw new RegscopeError(
					'INVALID_LAYER',
					`tar member at offset ${offset}: ${what} "${name.slice(0, 200)}" escapes the root with ..`
				);
			}
			out.pop();
		} else out.push(part);
	}
	return out.join('/');
}
