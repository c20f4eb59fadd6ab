import { describe, expect, test } from 'vitest';
import { DEFAULT_LIMITS, hostListed, parseHostEntry, parseSettings } from './settings';

describe('settings', () => {
	test('empty by default, with the documented limits', () => {
		const s = parseSettings({});
		expect(s.insecureRegistries).toEqual([]);
		expect(s.privateRegistries).toEqual([]);
		expect(s.limits.manifestBytes).toBe(4 * 1024 * 1024);
		expect(s.limits.configBytes).toBe(4 * 1024 * 1024);
		expect(s.limits.tokenBytes).toBe(64 * 1024);
		expect(s.limits.errorBytes).toBe(64 * 1024);
		expect(s.limits.tagPages).toBe(100);
		expect(s.limits.tags).toBe(10_000);
		expect(s.limits.requestTimeoutMs).toBe(15_000);
		expect(s.limits.overallTimeoutMs).toBe(60_000);
		expect(DEFAULT_LIMITS.redirects).toBe(5);
	});

	test('comma-separated host[:port] lists', () => {
		const s = parseSettings({
			REGSCOPE_INSECURE_REGISTRIES: ' 127.0.0.1 , Registry.Corp:5000,[::1]:5001,,fd00::1 ',
			REGSCOPE_PRIVATE_REGISTRIES: 'localhost'
		});
		expect(s.insecureRegistries).toEqual([
			{ host: '127.0.0.1' },
			{ host: 'registry.corp', port: 5000 },
			{ host: '::1', port: 5001 },
			{ host: 'fd00::1' }
		]);
		expect(s.privateRegistries).toEqual([{ host: 'localhost' }]);
	});

	test('bad entries stop the server', () => {
		expect(() => parseHostEntry('http://x')).toThrow(/host\[:port\]/);
		expect(() => parseHostEntry('x:99999')).toThrow(/port/);
		expect(() => parseHostEntry('a b')).toThrow();
		expect(() => parseSettings({ REGSCOPE_REQUEST_TIMEOUT_MS: 'soon' })).toThrow(/REGSCOPE_REQUEST_TIMEOUT_MS/);
	});

	test('timeouts are configurable', () => {
		const s = parseSettings({ REGSCOPE_REQUEST_TIMEOUT_MS: '500', REGSCOPE_OVERALL_TIMEOUT_MS: '2000' });
		expect(s.limits.requestTimeoutMs).toBe(500);
		expect(s.limits.overallTimeoutMs).toBe(2000);
		expect(s.limits.connectTimeoutMs).toBe(500);
	});

	test('matching: a bare host matches every port; host:port only that port', () => {
		const list = parseSettings({ REGSCOPE_PRIVATE_REGISTRIES: '127.0.0.1,reg.corp:5000,[::1]' }).privateRegistries;
		expect(hostListed(list, '127.0.0.1', 1)).toBe(true);
		expect(hostListed(list, '127.0.0.1', 65535)).toBe(true);
		expect(hostListed(list, 'REG.CORP.', 5000)).toBe(true);
		expect(hostListed(list, 'reg.corp', 5001)).toBe(false);
		expect(hostListed(list, '[::1]', 80)).toBe(true);
		expect(hostListed(list, '127.0.0.2', 80)).toBe(false);
		expect(hostListed(list, 'sub.reg.corp', 5000)).toBe(false);
	});
});
