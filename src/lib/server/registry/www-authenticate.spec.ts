import { describe, expect, test } from 'vitest';
import { parseWwwAuthenticate, pickChallenge, type Challenge } from './www-authenticate';

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
		[
			'Negotiate abc123==, Basic',
			[
				{ scheme: 'negotiate', params: { token68: 'abc123==' } },
				{ scheme: 'basic', params: {} }
			]
		],
		[
			'Bearer realm=https://unquoted.test/token,service=x',
			[{ scheme: 'bearer', params: { realm: 'https://unquoted.test/token', service: 'x' } }]
		],
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
