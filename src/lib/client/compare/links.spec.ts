import { describe, expect, it } from 'vitest';
import { compareHref, compareVersions, previousTag } from './links';

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
	it('sorts consistently', () => {
		expect(['1.10', '1.2', '1.2.1', '1.2-rc1', 'a'].sort(compareVersions)).toEqual(['1.2', '1.2-rc1', '1.2.1', '1.10', 'a']);
	});
});

describe('compareHref', () => {
	it('keeps references readable and adds platforms only when given', () => {
		expect(compareHref('127.0.0.1:5000/x/y:1.4', 'x/y@sha256:ab')).toBe('/compare?a=127.0.0.1:5000/x/y:1.4&b=x/y@sha256:ab');
		expect(compareHref('a', 'b', 'linux/arm64/v8', 'linux/arm64')).toBe('/compare?a=a&b=b&platformA=linux/arm64/v8&platformB=linux/arm64');
	});
});
