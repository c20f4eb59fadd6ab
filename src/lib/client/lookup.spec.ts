import { describe, expect, it } from 'vitest';
import { lookup, repositoryLookup } from './lookup';

describe('lookup (the search box)', () => {
	it.each([
		['127.0.0.1:5000', '/r/127.0.0.1:5000'],
		['registry.corp', '/r/registry.corp'],
		['localhost:5000', '/r/localhost:5000'],
		['myhost:5000/', '/r/myhost:5000/'],
		['alpine', '/r/docker.io/library/alpine'],
		['docker pull localhost:5000/team/app', '/r/localhost:5000/team/app'],
		['alpine:3.20', '/r/docker.io/library/alpine:3.20'],
		['docker://ghcr.io/o/r:1', '/r/ghcr.io/o/r:1']
	])('%s → %s', (input, href) => {
		expect(lookup(input)).toEqual({ ok: true, href });
	});

	it('a bare digest asks for a repository', () => {
		const r = lookup(`sha256:${'0'.repeat(64)}`);
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.message).toContain('a digest needs a repository: write name@sha256:');
	});

	it('an empty box says what to type', () => {
		expect(lookup('  ')).toEqual({ ok: false, message: expect.stringContaining('registry.corp:5000') });
	});
});

describe('repositoryLookup', () => {
	it('opens a repository of the registry, slashes around the name dropped', () => {
		expect(repositoryLookup('registry.corp:5000', ' /team/app/ ')).toEqual({ ok: true, href: '/r/registry.corp:5000/team/app' });
	});

	it('says what a repository name is when the input is not one', () => {
		for (const input of ['', 'Team/App', 'team//app', 'app:1.0']) {
			const r = repositoryLookup('registry.corp:5000', input);
			expect(r.ok).toBe(false);
			expect(r.ok ? '' : r.message).toContain('lowercase letters and digits');
		}
	});
});
