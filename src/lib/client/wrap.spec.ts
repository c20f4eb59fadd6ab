import { describe, expect, it } from 'vitest';
import { breakPoints, keepWhole } from './wrap';

describe('breakPoints', () => {
	it('splits after slashes and before the tag and digest, losing nothing', () => {
		const ref = 'ghcr.io/org/app:1.2@sha256:abc';
		expect(breakPoints(ref)).toEqual(['ghcr.io/', 'org/', 'app', ':1.2', '@sha256', ':abc']);
		expect(breakPoints(ref).join('')).toBe(ref);
	});

	it('keeps names whole and lets a digest break', () => {
		const parts = breakPoints(`registry.example-corp.io:5000/team-a/my-service@sha256:${'a'.repeat(64)}`);
		expect(parts.map(keepWhole)).toEqual([true, true, true, true, true, false]);
	});
});
