import { describe, expect, test } from 'vitest';
import { parseTokenResponse } from './token';

const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

describe('parseTokenResponse', () => {
	const now = Date.parse('2026-01-01T00:00:00Z');
	test('token, else access_token', () => {
		expect(parseTokenResponse(enc({ token: 'a', access_token: 'b' }), now).token).toBe('a');
		expect(parseTokenResponse(enc({ access_token: 'b' }), now).token).toBe('b');
	});
	test('expires_in defaults to 60 and is at least 60; a 5 s margin is kept', () => {
		expect(parseTokenResponse(enc({ token: 'a' }), now).expiresAt).toBe(now + 55_000);
		expect(parseTokenResponse(enc({ token: 'a', expires_in: 10 }), now).expiresAt).toBe(now + 55_000);
		expect(parseTokenResponse(enc({ token: 'a', expires_in: 300 }), now).expiresAt).toBe(now + 295_000);
	});
	test('issued_at is used when plausible', () => {
		const issued = new Date(now - 30_000).toISOString();
		expect(parseTokenResponse(enc({ token: 'a', expires_in: 300, issued_at: issued }), now).expiresAt).toBe(now + 265_000);
		const future = new Date(now + 3_600_000).toISOString();
		expect(parseTokenResponse(enc({ token: 'a', expires_in: 300, issued_at: future }), now).expiresAt).toBe(now + 295_000);
	});
	test('unusable answers', () => {
		expect(() => parseTokenResponse(new TextEncoder().encode('<html>'), now)).toThrow(/not JSON/);
		expect(() => parseTokenResponse(enc({}), now)).toThrow(/no token/);
		expect(() => parseTokenResponse(enc({ token: 'a\r\nX: y' }), now)).toThrow(/control/);
		expect(() => parseTokenResponse(enc([1]), now)).toThrow(/object/);
	});
});
