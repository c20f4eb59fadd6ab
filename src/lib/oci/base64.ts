/**
 * base64 and base64url, strict, for the core, the server and the page alike (atob/btoa exist in
 * browsers and Node 20). Decoders return null for anything that is not exactly that alphabet.
 */

const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;

/** Standard, padded base64. */
export function base64Decode(s: string): Uint8Array | null {
	if (s.length % 4 !== 0 || !STANDARD.test(s)) return null;
	try {
		return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
	} catch {
		return null;
	}
}

/** Standard, padded base64 of any bytes (chunked: spreading a large array overflows the stack). */
export function base64Encode(bytes: Uint8Array): string {
	let binary = '';
	for (let i = 0; i < bytes.length; i += 0x8000) {
		binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	}
	return btoa(binary);
}

/**
 * libtrust's `joseBase64UrlDecode`: drops newlines and spaces, pads with `=` to a multiple of 4,
 * then decodes strictly.
 */
export function base64UrlDecode(input: string): Uint8Array | null {
	let s = input.replace(/[\n\r ]/g, '');
	switch (s.length % 4) {
		case 0:
			break;
		case 2:
			s += '==';
			break;
		case 3:
			s += '=';
			break;
		default:
			return null;
	}
	if (!URL_SAFE.test(s)) return null;
	return base64Decode(s.replace(/-/g, '+').replace(/_/g, '/'));
}

/** base64url without padding (libtrust's `joseBase64UrlEncode`). */
export function base64UrlEncode(bytes: Uint8Array): string {
	return base64Encode(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
