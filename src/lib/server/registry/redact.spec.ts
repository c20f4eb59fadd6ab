import { describe, expect, test } from 'vitest';
import { scrubSecrets, secretsOf } from './redact';

describe('scrubSecrets', () => {
	const creds = { username: 'alice', password: 'hunter2-long' };
	const basic = Buffer.from('alice:hunter2-long').toString('base64');

	test('removes the password, the user:password pair and the Basic value, keeping the rest', () => {
		const text = `denied for alice (password hunter2-long, header Basic ${basic}, pair alice:hunter2-long)`;
		const out = scrubSecrets(text, secretsOf(creds));
		expect(out).not.toContain('hunter2-long');
		expect(out).not.toContain(basic);
		expect(out).toContain('denied for alice');
		expect(out).toContain('[redacted]');
	});

	test('removes Authorization-shaped values and JWTs even when the secret is not known', () => {
		const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
		const out = scrubSecrets(`got "Authorization: Bearer abcdef123456" and token=${jwt} and Basic dXNlcjpwYXNz`, []);
		expect(out).not.toMatch(/abcdef123456|eyJ|dXNlcjpwYXNz/);
		expect(out).toMatch(/Bearer \[redacted\]/);
	});

	test('a secret too short to replace withholds the whole text; a bearer token is a secret too', () => {
		expect(scrubSecrets('you sent abc', secretsOf({ username: 'u', password: 'abc' }))).toMatch(/withheld/);
		expect(scrubSecrets('token was tok_9f8e7d6c', secretsOf({ token: 'tok_9f8e7d6c' }))).not.toContain('tok_9f8e7d6c');
		expect(scrubSecrets('manifest unknown', secretsOf(creds))).toBe('manifest unknown');
	});
});
