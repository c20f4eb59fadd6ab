import { describe, expect, test } from 'vitest';
import { RegscopeError } from '$lib/oci/errors';
import { normalizeAuthKey, parseAuthFile, parseCredentialsHeader } from './credentials';
import { realmMayReceiveCredentials, registrableDomain } from './realm';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('X-Registry-Authorization', () => {
	test('absent or empty → null', () => {
		expect(parseCredentialsHeader(null)).toBeNull();
		expect(parseCredentialsHeader('  ')).toBeNull();
	});
	test('Basic with a colon in the password and UTF-8', () => {
		expect(parseCredentialsHeader(`Basic ${b64('alice:pa:ss wörd')}`)).toEqual({ username: 'alice', password: 'pa:ss wörd' });
		expect(parseCredentialsHeader(`basic ${b64('u:')}`)).toEqual({ username: 'u', password: '' });
	});
	test('Bearer', () => {
		expect(parseCredentialsHeader('Bearer abc.def-ghi_~+/=')).toEqual({ token: 'abc.def-ghi_~+/=' });
	});
	test.each([
		['Basic', 'no value'],
		[`Basic ${b64('nocolon')}`, 'no pair'],
		[`Basic ${b64(':pw')}`, 'empty user'],
		['Basic not*base64secret', 'bad base64'],
		['Basic YWJj', 'not a multiple of 4 / non-canonical'],
		[`Basic ${b64('a:b\r\nX-Injected: 1')}`, 'control characters'],
		['Bearer tok en secret', 'spaces'],
		['Digest secretvalue', 'unknown scheme'],
		[`Basic ${'A'.repeat(9000)}`, 'too long']
	])('%j → INVALID_REQUEST without echoing (%s)', (value) => {
		let err: unknown;
		try {
			parseCredentialsHeader(value);
		} catch (e) {
			err = e;
		}
		expect(err).toBeInstanceOf(RegscopeError);
		expect((err as RegscopeError).code).toBe('INVALID_REQUEST');
		expect((err as RegscopeError).message).not.toMatch(/secret|Injected|YWJj|nocolon/);
	});
});

describe('REGSCOPE_AUTH_FILE', () => {
	test('auth (base64) and username/password entries; Docker Hub keys normalised', () => {
		const { creds, warnings } = parseAuthFile(
			JSON.stringify({
				auths: {
					'https://index.docker.io/v1/': { auth: b64('hubuser:hubpass') },
					'Registry.Example:5000': { username: 'u', password: 'p' },
					'broken.example': { identitytoken: 'abc' }
				}
			})
		);
		expect(creds.get('docker.io')).toEqual({ username: 'hubuser', password: 'hubpass' });
		expect(creds.get('registry.example:5000')).toEqual({ username: 'u', password: 'p' });
		expect(creds.has('broken.example')).toBe(false);
		expect(warnings.join(' ')).toMatch(/broken\.example/);
		expect(warnings.join(' ')).not.toMatch(/abc/);
	});
	test('keys match exactly: host:port, never by prefix', () => {
		expect(normalizeAuthKey('registry.test')).toBe('registry.test');
		expect(normalizeAuthKey('registry.test:5001')).toBe('registry.test:5001');
		expect(normalizeAuthKey('https://registry-1.docker.io/v2/')).toBe('docker.io');
		const { creds } = parseAuthFile(JSON.stringify({ auths: { 'registry.test': { auth: b64('a:b') } } }));
		for (const other of ['registry.test.evil.test', 'registry.test:5001', 'evil.test']) {
			expect(creds.get(normalizeAuthKey(other))).toBeUndefined();
		}
	});
	test('not JSON / no auths → a startup error', () => {
		expect(() => parseAuthFile('nope')).toThrow(/not valid JSON/);
		expect(() => parseAuthFile('{}')).toThrow(/auths/);
	});
});

describe('which realms may receive Basic credentials', () => {
	test.each([
		['auth.docker.io', 'docker.io'],
		['registry-1.docker.io', 'docker.io'],
		['gitlab.com', 'gitlab.com'],
		['registry.gitlab.com', 'gitlab.com'],
		['myreg.azurecr.io', 'myreg.azurecr.io'],
		['a.b.example.co.uk', 'example.co.uk'],
		['x.github.io', 'x.github.io'],
		['a.b.example.com.br', 'example.com.br'],
		['app.herokuapp.com', 'app.herokuapp.com'],
		['eu.gcr.io', 'gcr.io'],
		['1234.dkr.ecr.us-east-1.amazonaws.com', 'us-east-1.amazonaws.com'],
		['registry.corp', 'registry.corp'],
		['127.0.0.1', '127.0.0.1']
	])('registrableDomain(%s) = %s', (host, want) => {
		expect(registrableDomain(host)).toBe(want);
	});
	test.each([
		['https://auth.docker.io/token', 'https://registry-1.docker.io', true],
		['https://gitlab.com/jwt/auth', 'https://registry.gitlab.com', true],
		['https://registry.test:8443/token', 'https://registry.test', true],
		['http://127.0.0.1:4000/token', 'http://127.0.0.1:5000', true],
		['https://collector.evil.test/token', 'https://registry.test', false],
		['https://evil.azurecr.io/oauth2/token', 'https://victim.azurecr.io', false],
		['https://evil.github.io/token', 'https://victim.github.io', false],
		['https://evil.herokuapp.com/token', 'https://victim.herokuapp.com', false],
		['https://evil.example.co.uk/token', 'https://registry.other.co.uk', false],
		['https://auth.example.co.uk/token', 'https://registry.example.co.uk', true],
		['https://127.0.0.2/token', 'https://127.0.0.1', false],
		['http://registry.test/token', 'https://registry.test', false]
	])('%s for %s → %s', (realm, registry, want) => {
		expect(realmMayReceiveCredentials(new URL(realm), registry)).toBe(want);
	});
});
