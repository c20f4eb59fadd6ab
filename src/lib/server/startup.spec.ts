import { describe, expect, test } from 'vitest';
import { checkSettings } from './startup';

describe('checkSettings', () => {
	test('the defaults pass', () => {
		expect(() => checkSettings({})).not.toThrow();
	});

	test('each bad setting is named, all of them at once', () => {
		expect(() => checkSettings({ REGSCOPE_REQUEST_TIMEOUT_MS: 'lots', REGSCOPE_CACHE_MB: '-1', REGSCOPE_MAX_LAYER_MB: 'big' })).toThrow(
			/REGSCOPE_REQUEST_TIMEOUT_MS.*REGSCOPE_CACHE_MB.*REGSCOPE_MAX_LAYER_MB/
		);
	});

	test('a bad list entry names its list', () => {
		expect(() => checkSettings({ REGSCOPE_PRIVATE_REGISTRIES: 'http://x' })).toThrow(/REGSCOPE_PRIVATE_REGISTRIES: invalid registry entry/);
		expect(() => checkSettings({ REGSCOPE_INSECURE_REGISTRIES: 'a b' })).toThrow(/REGSCOPE_INSECURE_REGISTRIES/);
	});
});
