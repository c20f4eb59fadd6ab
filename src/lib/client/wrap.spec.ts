import { describe, expect, it } from 'vitest';
import { breakPoints } from './wrap';

describe('breakPoints', () => {
	it('splits after slashes and before the tag and digest, losing nothing', () => {
		const ref = 'ghcr.io/org/app:1.2@sha256:abc';
		expect(breakPoints(ref)).toEqual(['ghcr.io/', 'org/', 'app', ':1.2', '@sha256', ':abc']);
		expect(breakPoints(ref).join('')).toBe(ref);
	});
});
