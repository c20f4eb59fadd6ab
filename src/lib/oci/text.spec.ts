import { describe, expect, it } from 'vitest';
import { isObject, plural, untrustedText } from './text';

describe('text helpers', () => {
	it('plural picks the word by count', () => {
		expect(plural(1, 'layer', 'layers')).toBe('1 layer');
		expect(plural(0, 'layer', 'layers')).toBe('0 layers');
		expect(plural(3, 'history entry', 'history entries')).toBe('3 history entries');
	});

	it('untrustedText makes one printable line, capped', () => {
		expect(untrustedText('a\r\nb\u0000c\u2028d')).toBe('a b c d');
		expect(untrustedText(`  ${'x'.repeat(300)}  `, 10)).toBe(`${'x'.repeat(9)}…`);
		expect(untrustedText('short', 10)).toBe('short');
	});

	it('isObject is true for JSON objects only', () => {
		expect(isObject({})).toBe(true);
		expect([null, [], 'a', 1, undefined].map(isObject)).toEqual([false, false, false, false, false]);
	});
});
