import { describe, expect, test } from 'vitest';
import { classifyAddress, inCidr, parseIPv6 } from './ip';

describe('inCidr', () => {
	test.each([
		['10.1.2.3', '10.1.0.0/16', true],
		['10.2.0.1', '10.1.0.0/16', false],
		['::ffff:10.1.2.3', '10.1.0.0/16', true],
		['fd00:1::5', 'fd00:1::/64', true],
		['fd00:2::5', 'fd00:1::/64', false],
		['10.1.2.3', 'fd00:1::/64', false],
		['10.1.2.3', '10.1.0.0/33', false],
		['010.1.2.3', '10.1.0.0/16', false],
		['[::1]', '::1/128', true]
	])('%s in %s → %s', (ip, cidr, want) => {
		expect(inCidr(ip, cidr)).toBe(want);
	});
});

describe('IPv6 with a dotted tail', () => {
	test('::a.b.c.d is IPv4-compatible, not IPv4-mapped', () => {
		expect(parseIPv6('::8.8.8.8')).toEqual([0, 0, 0, 0, 0, 0, 0x0808, 0x0808]);
		expect(classifyAddress('::8.8.8.8')).toMatchObject({ kind: 'reserved', note: 'IPv4-compatible form of 8.8.8.8' });
		expect(classifyAddress('::ffff:8.8.8.8')).toMatchObject({ kind: 'public', note: 'IPv4-mapped form of 8.8.8.8' });
	});
	test('the dotted tail follows the strict dotted-quad rule', () => {
		expect(parseIPv6('::ffff:127.1')).toBeNull();
		expect(parseIPv6('::ffff:0177.0.0.1')).toBeNull();
		expect(parseIPv6('::1%lo')).toBeNull();
	});
});
