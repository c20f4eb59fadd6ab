import { describe, expect, it } from 'vitest';
import { exactBytes, formatBytes, groupDigits, relativeTime } from './format';

describe('groupDigits', () => {
	it('writes integers as toLocaleString("en-US") does', () => {
		const samples = [
			0,
			7,
			12,
			999,
			1000,
			1001,
			12_345,
			999_999,
			1_000_000,
			48_213_992,
			2 ** 40,
			Number.MAX_SAFE_INTEGER,
			-1,
			-1234,
			-1_000_000
		];
		for (const n of samples) expect(groupDigits(n), String(n)).toBe(n.toLocaleString('en-US'));
	});

	it('leaves what is not a safe integer as String() writes it', () => {
		expect(groupDigits(1.5)).toBe('1.5');
		expect(groupDigits(Number.NaN)).toBe('NaN');
		expect(groupDigits(2 ** 60)).toBe(String(2 ** 60));
	});
});

describe('exactBytes and formatBytes', () => {
	it('exact bytes carry separators; IEC units round by size', () => {
		expect(exactBytes(3_456_789)).toBe('3,456,789 bytes');
		expect(formatBytes(512)).toBe('512 B');
		expect(formatBytes(1536)).toBe('1.50 KiB');
		expect(formatBytes(-1)).toBe('?');
	});
});

describe('relativeTime', () => {
	const now = Date.parse('2026-01-10T12:00:00Z');
	it('says what Intl.RelativeTimeFormat("en", { numeric: "auto" }) says, in the largest fitting unit', () => {
		const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
		const units: [number, Intl.RelativeTimeFormatUnit][] = [
			[1, 'second'],
			[60, 'minute'],
			[3600, 'hour'],
			[86_400, 'day'],
			[30 * 86_400, 'month'],
			[360 * 86_400, 'year']
		];
		for (const [seconds, unit] of units) {
			// Zero of any unit is zero seconds: "now".
			for (const n of unit === 'second' ? [-5, -2, -1, 0, 1, 2, 7] : [-5, -2, -1, 1, 2, 7]) {
				const iso = new Date(now + n * seconds * 1000).toISOString();
				expect(relativeTime(iso, now), `${n} ${unit}`).toBe(rtf.format(n, unit));
			}
		}
		expect(relativeTime(new Date(now - 1500 * 360 * 86_400_000).toISOString(), now)).toBe(rtf.format(-1500, 'year'));
	});

	it('rounds within the unit', () => {
		expect(relativeTime('2026-01-10T11:59:30Z', now)).toBe('30 seconds ago');
		expect(relativeTime('2026-01-07T12:00:00Z', now)).toBe('3 days ago');
		expect(relativeTime('2026-01-09T12:00:00Z', now)).toBe('yesterday');
		expect(relativeTime('2026-01-10T14:00:00Z', now)).toBe('in 2 hours');
	});

	it('is empty for an absent or unreadable date', () => {
		expect(relativeTime(undefined, now)).toBe('');
		expect(relativeTime('not a date', now)).toBe('');
	});
});
