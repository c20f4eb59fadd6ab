import { describe, expect, it } from 'vitest';
import { isTagSort, naturalCompare, parseVersion, sortTags } from './tag-order';

describe('sortTags version', () => {
	it.each([
		[
			['1.2.3', 'latest', '1.10.0', '1.9.9'],
			['latest', '1.10.0', '1.9.9', '1.2.3']
		],
		[
			['v1.0.0', 'v2.0.0', 'v1.5.0'],
			['v2.0.0', 'v1.5.0', 'v1.0.0']
		],
		// Floating tags stand just before what they float over.
		[
			['1.2.3', '1', '1.2', '1.2.2', '2'],
			['2', '1', '1.2', '1.2.3', '1.2.2']
		],
		// A release before its pre-releases, the newer pre-release first.
		[
			['1.0.0-rc.1', '1.0.0', '1.0.0-rc.2', '0.9.0'],
			['1.0.0', '1.0.0-rc.2', '1.0.0-rc.1', '0.9.0']
		],
		// Plain before variants of the same version.
		[
			['1.25-alpine', '1.25', '1.26-alpine'],
			['1.26-alpine', '1.25', '1.25-alpine']
		],
		// Versions first, then the rest in natural order.
		[
			['edge', 't10', 'latest', '3.20', 't2', 'main'],
			['latest', '3.20', 'edge', 'main', 't2', 't10']
		]
	])('%j', (tags, want) => {
		expect(sortTags(tags, 'version')).toEqual(want);
	});

	it('does not change its input and keeps every tag', () => {
		const tags = ['b', 'a', '1.0'];
		const sorted = sortTags(tags, 'version');
		expect(tags).toEqual(['b', 'a', '1.0']);
		expect([...sorted].sort()).toEqual([...tags].sort());
	});
});

describe('sortTags name', () => {
	it('is natural order, latest not special', () => {
		expect(sortTags(['t10', 'latest', 't2', '1.10', '1.9', 'T1'], 'name')).toEqual(
			['1.9', '1.10', 'latest', 't2', 't10', 'T1'].sort(naturalCompare)
		);
		expect(sortTags(['t10', 't2', 't1'], 'name')).toEqual(['t1', 't2', 't10']);
	});
});

describe('sortTags newest', () => {
	it('orders dated tags newest first, undated after in version order', () => {
		const created = new Map([
			['old', '2020-01-01T00:00:00Z'],
			['new', '2024-06-01T00:00:00Z'],
			['mid', '2022-01-01T00:00:00Z'],
			['bad', 'not a date']
		]);
		expect(sortTags(['old', '1.0', 'bad', 'mid', 'latest', 'new'], 'newest', created)).toEqual([
			'new',
			'mid',
			'old',
			'latest',
			'1.0',
			'bad'
		]);
	});
	it('without dates is version order', () => {
		expect(sortTags(['a', '2', 'latest'], 'newest')).toEqual(['latest', '2', 'a']);
	});
});

describe('parseVersion', () => {
	it.each([
		['v1.2.3', [1, 2, 3], null, ''],
		['1.2.3-rc.1', [1, 2, 3], 'rc.1', ''],
		['3.20-alpine', [3, 20], null, 'alpine'],
		['20', [20], null, '']
	])('%s', (tag, numbers, pre, suffix) => {
		expect(parseVersion(tag)).toEqual({ numbers, pre, suffix });
	});
	it.each(['latest', 'edge', 'v', 'sha-abc', '1.2.3.4.5'])('%s is not a version', (tag) => {
		expect(parseVersion(tag)).toBeNull();
	});
	it('checks sort names', () => {
		expect(isTagSort('newest')).toBe(true);
		expect(isTagSort('random')).toBe(false);
	});
});
