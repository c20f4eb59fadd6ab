import { describe, expect, it } from 'vitest';
import { createdByTag, filterEntries, groupByDigest, withEntries, type DetailsState, type Resolution } from './tag-groups';

const resolved = new Map<string, Resolution>([
	['latest', { digest: 'sha256:a' }],
	['1', { digest: 'sha256:b' }],
	['2', { digest: 'sha256:a' }],
	['gone', { error: 'the registry did not list this tag' }]
]);

describe('groupByDigest', () => {
	it('groups tags by digest in the order of each group’s first tag; unresolved and failed tags stand alone', () => {
		expect(groupByDigest(['latest', '1', 'pending', '2', 'gone'], resolved)).toEqual([
			{ digest: 'sha256:a', tags: ['latest', '2'] },
			{ digest: 'sha256:b', tags: ['1'] },
			{ digest: null, tags: ['pending'] },
			{ digest: null, tags: ['gone'], error: 'the registry did not list this tag' }
		]);
	});
});

describe('createdByTag', () => {
	it('gives each tag its digest’s created time, only where details have one', () => {
		const details = new Map<string, DetailsState>([
			['sha256:a', { created: '2024-06-01T00:00:00Z', size: 1, platforms: [] }],
			['sha256:b', 'loading']
		]);
		expect([...createdByTag(resolved, details)]).toEqual([
			['latest', '2024-06-01T00:00:00Z'],
			['2', '2024-06-01T00:00:00Z']
		]);
	});
});

describe('copy-on-write updates', () => {
	it('return new maps and leave the old one as it was', () => {
		const before: ReadonlyMap<string, DetailsState> = new Map([['sha256:a', 'loading']]);
		const added = withEntries(before, [['sha256:b', 'loading']]);
		const set = withEntries(added, [['sha256:a', { error: 'no' }]]);
		expect([...before]).toEqual([['sha256:a', 'loading']]);
		expect([...set]).toEqual([
			['sha256:a', { error: 'no' }],
			['sha256:b', 'loading']
		]);
		expect([...filterEntries(set, (v) => v !== 'loading')]).toEqual([['sha256:a', { error: 'no' }]]);
		expect([...set]).toHaveLength(2);
	});
});
