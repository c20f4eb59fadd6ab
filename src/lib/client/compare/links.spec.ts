import { describe, expect, it } from 'vitest';
import { compareHref, previousTag } from './links';

describe('previousTag', () => {
	it('takes the tag just before in version order, numbers compared as numbers', () => {
		expect(previousTag(['1.9', '1.10', '1.11', 'latest'], '1.10')).toBe('1.9');
		expect(previousTag(['1.4', '1.5', '1.5.0', 'latest'], '1.5')).toBe('1.4');
		expect(previousTag(['v2.0.0', 'v1.9.9', 'v1.10.0'], 'v2.0.0')).toBe('v1.10.0');
	});
	it('has none for the oldest tag, or a tag that is not a version', () => {
		expect(previousTag(['1.4', '1.5'], '1.4')).toBeUndefined();
		expect(previousTag(['1.4', '1.5'], 'latest')).toBeUndefined();
	});
	it('stays within the variant and skips pre-releases of a release', () => {
		expect(previousTag(['1.24-alpine', '1.24', '1.25-alpine', '1.25'], '1.25-alpine')).toBe('1.24-alpine');
		expect(previousTag(['1.2', '1.3-rc1', '1.3'], '1.3')).toBe('1.2');
		expect(previousTag(['1.2', '1.3-rc1', '1.3-rc2'], '1.3-rc2')).toBe('1.3-rc1');
	});
});

describe('compareHref', () => {
	it('keeps references readable and adds platforms only when given', () => {
		expect(compareHref('127.0.0.1:5000/x/y:1.4', 'x/y@sha256:ab')).toBe('/compare?a=127.0.0.1:5000/x/y:1.4&b=x/y@sha256:ab');
		expect(compareHref('a', 'b', 'linux/arm64/v8', 'linux/arm64')).toBe('/compare?a=a&b=b&platformA=linux/arm64/v8&platformB=linux/arm64');
	});
});
