/** How a file's bytes are shown: text when they decode as UTF-8 (or look like Latin-1 text), else a hex dump. */

export const TEXT_LIMIT = 256 * 1024;
export const HEX_LIMIT = 4096;

export type Shown =
	{ kind: 'text'; text: string; encoding: 'utf-8' | 'latin-1'; cut: boolean } | { kind: 'hex'; lines: string[]; cut: boolean };

function looksBinary(b: Uint8Array): boolean {
	const n = Math.min(b.length, 8192);
	let control = 0;
	for (let i = 0; i < n; i++) {
		const c = b[i]!;
		if (c === 0) return true;
		if (c < 9 || (c > 13 && c < 32)) control++;
	}
	return n > 0 && control / n > 0.05;
}

export function showBytes(bytes: Uint8Array): Shown {
	if (!looksBinary(bytes)) {
		const part = bytes.subarray(0, TEXT_LIMIT);
		try {
			// A cut in the middle of a character is not an encoding error: drop that tail only.
			const text = new TextDecoder('utf-8', { fatal: true }).decode(part, { stream: part.length < bytes.length });
			return { kind: 'text', text, encoding: 'utf-8', cut: part.length < bytes.length };
		} catch {
			return { kind: 'text', text: new TextDecoder('latin1').decode(part), encoding: 'latin-1', cut: part.length < bytes.length };
		}
	}
	return { kind: 'hex', lines: hexDump(bytes.subarray(0, HEX_LIMIT)), cut: bytes.length > HEX_LIMIT };
}

/** `00000000  7f 45 4c 46 …  |.ELF…|`, 16 bytes a line. */
export function hexDump(bytes: Uint8Array): string[] {
	const lines: string[] = [];
	for (let i = 0; i < bytes.length; i += 16) {
		const row = bytes.subarray(i, i + 16);
		const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
		const ascii = [...row].map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
		lines.push(`${i.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
	}
	return lines;
}
