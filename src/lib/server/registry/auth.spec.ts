import { describe, expect, test } from 'vitest';
import { parseTokenResponse, parseWwwAuthenticate, pickChallenge, type Challenge } from './auth';

const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

describe('parseWwwAuthenticate', () => {
	test.each<[string, Challenge[]]>([
		[
			'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"',
			[{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io' } }]
		],
		[
			'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/r:pull"',
			[{ scheme: 'bearer', params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:o/r:pull' } }]
		],
		[
			'Bearer realm="https://x/token",scope="repository:a/b:pull,push"',
			[{ scheme: 'bearer', params: { realm: 'https://x/token', scope: 'repository:a/b:pull,push' } }]
		],
		[
			'bearer Realm="https://gcr.io/v2/token", SERVICE=gcr.io',
			[{ scheme: 'bearer', params: { realm: 'https://gcr.io/v2/token', service: 'gcr.io' } }]
		],
		[
			'Bearer realm="https://europe-docker.pkg.dev/v2/token"',
			[{ scheme: 'bearer', params: { realm: 'https://europe-docker.pkg.dev/v2/token' } }]
		],
		[
			'Bearer realm="a\\"b\\\\c",error="insufficient_scope"',
			[{ scheme: 'bearer', params: { realm: 'a"b\\c', error: 'insufficient_scope' } }]
		],
		[
			'Basic realm="Registry Realm", Bearer realm="https://r/token",service="s"',
			[
				{ scheme: 'basic', params: { realm: 'Registry Realm' } },
				{ scheme: 'bearer', params: { realm: 'https://r/token', service: 's' } }
			]
		],
		['Bearer realm = "spaced" , service = svc', [{ scheme: 'bearer', params: { realm: 'spaced', service: 'svc' } }]],
		['Negotiate abc123==, Basic', [
			{ scheme: 'negotiate', params: { token68: 'abc123==' } },
			{ scheme: 'basic', params: {} }
		]],
		['Bearer realm=https://unquoted.test/token,service=x', [{ scheme: 'bearer', params: { realm: 'https://unquoted.test/token', service: 'x' } }]],
		['', []],
		['Bearer realm="unterminated', [{ scheme: 'bearer', params: { realm: 'unterminated' } }]]
	])('%s', (header, expected) => {
		expect(parseWwwAuthenticate(header)).toEqual(expected);
	});

	test('several header values', () => {
		const c = parseWwwAuthenticate(['Basic realm="x"', 'Bearer realm="https://t/"']);
		expect(c.map((x) => x.scheme)).toEqual(['basic', 'bearer']);
		expect(pickChallenge(c)?.scheme).toBe('bearer');
		expect(pickChallenge(parseWwwAuthenticate('Basic realm="x"'))?.scheme).toBe('basic');
		expect(pickChallenge(parseWwwAuthenticate('Bearer service="no-realm"'))).toBeNull();
	});
});

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
