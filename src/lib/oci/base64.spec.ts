import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode, base64UrlDecode, base64UrlEncode } from './base64';

describe('base64url as libtrust decodes it', () => {
	it('pads, ignores newlines and spaces, and refuses other alphabets', () => {
		expect(new TextDecoder().decode(base64UrlDecode('Cn0')!)).toBe('\n}');
		expect(new TextDecoder().decode(base64UrlDecode('Cn0=')!)).toBe('\n}');
		expect(new TextDecoder().decode(base64UrlDecode('eyJh\nIjox fQ')!)).toBe('{"a":1}');
		expect(base64UrlDecode('abcde')).toBeNull(); // length 5: 1 mod 4
		expect(base64UrlDecode('ab+/')).toBeNull(); // standard alphabet
		expect(base64UrlDecode('a=bc')).toBeNull();
	});

	it('round-trips any bytes without padding', () => {
		const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256);
		const s = base64UrlEncode(bytes);
		expect(s).not.toMatch(/[=+/]/);
		expect(base64UrlDecode(s)).toEqual(bytes);
	});
});

describe('standard base64', () => {
	it('round-trips bytes larger than one encoding chunk', () => {
		const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256);
		expect(base64Decode(base64Encode(bytes))).toEqual(bytes);
	});

	it('refuses the url alphabet, missing padding and stray characters', () => {
		expect(base64Decode('ab-_')).toBeNull();
		expect(base64Decode('abc')).toBeNull();
		expect(base64Decode('ab c')).toBeNull();
		expect(new TextDecoder().decode(base64Decode('e30=')!)).toBe('{}');
	});
});
