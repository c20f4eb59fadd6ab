import { describe, it, expect } from 'vitest';
import { RegscopeError } from './errors';
import type { Digest } from './model';
import {
	apiHost,
	familiarName,
	formatReference,
	parseReference,
	repositoryName,
	targetOf,
	withDigest,
	withoutTarget,
	type ReferencePart
} from './reference';

const SHA = 'a'.repeat(64);
const SHA512 = 'b'.repeat(128);

/** input → canonical form after normalization. */
const valid: Array<[string, string]> = [
	['alpine', 'docker.io/library/alpine:latest'],
	['alpine:3.20', 'docker.io/library/alpine:3.20'],
	['  alpine:3.20\n', 'docker.io/library/alpine:3.20'],
	['docker://alpine:3.20', 'docker.io/library/alpine:3.20'],
	['library/alpine', 'docker.io/library/alpine:latest'],
	['docker.io/alpine', 'docker.io/library/alpine:latest'],
	['docker.io/library/alpine:edge', 'docker.io/library/alpine:edge'],
	['index.docker.io/alpine', 'docker.io/library/alpine:latest'],
	['index.docker.io/bitnami/redis:7', 'docker.io/bitnami/redis:7'],
	['bitnami/redis', 'docker.io/bitnami/redis:latest'],
	['a/b/c/d', 'docker.io/a/b/c/d:latest'],
	['ghcr.io/owner/repo:1.0', 'ghcr.io/owner/repo:1.0'],
	['ghcr.io/owner/repo', 'ghcr.io/owner/repo:latest'],
	['quay.io/prometheus/node-exporter:v1.8.2', 'quay.io/prometheus/node-exporter:v1.8.2'],
	['localhost/foo', 'localhost/foo:latest'],
	['localhost:5000/foo/bar:tag', 'localhost:5000/foo/bar:tag'],
	['127.0.0.1:5000/app', '127.0.0.1:5000/app:latest'],
	['[::1]:5000/app:v1', '[::1]:5000/app:v1'],
	['Registry.Example.com/app', 'Registry.Example.com/app:latest'],
	['MyHost/app', 'MyHost/app:latest'],
	['localhost:5000', 'docker.io/library/localhost:5000'],
	['my-registry.local:443/team/app', 'my-registry.local:443/team/app:latest'],
	['foo.bar/a__b/c--d/e.f/g_h', 'foo.bar/a__b/c--d/e.f/g_h:latest'],
	['alpine:UPPER_case.tag-1', 'docker.io/library/alpine:UPPER_case.tag-1'],
	['alpine:_underscore', 'docker.io/library/alpine:_underscore'],
	[`alpine:${'t'.repeat(128)}`, `docker.io/library/alpine:${'t'.repeat(128)}`],
	[`alpine@sha256:${SHA}`, `docker.io/library/alpine@sha256:${SHA}`],
	[`alpine:3.20@sha256:${SHA}`, `docker.io/library/alpine:3.20@sha256:${SHA}`],
	[`ghcr.io/o/r@sha512:${SHA512}`, `ghcr.io/o/r@sha512:${SHA512}`],
	[`localhost:5000/x:1@sha256:${SHA}`, `localhost:5000/x:1@sha256:${SHA}`],
	[`docker://ghcr.io/o/r:1`, 'ghcr.io/o/r:1'],
	[`${'a'.repeat(255 - 'library/'.length)}`, `docker.io/library/${'a'.repeat(247)}:latest`],
	['example.com/' + 'p'.repeat(255), `example.com/${'p'.repeat(255)}:latest`]
];

/** input → the part the error must name (and a fragment of its message). */
const invalid: Array<[string, ReferencePart, string]> = [
	['', 'reference', 'empty'],
	['   ', 'reference', 'empty'],
	['docker://', 'reference', 'empty'],
	[SHA, 'reference', 'ambiguous'],
	['https://ghcr.io/o/r', 'reference', 'URL'],
	['Alpine', 'repository', 'repository name must be lowercase'],
	['docker.io/Library/alpine', 'repository', 'repository name must be lowercase'],
	['ghcr.io/Owner/Repo:1', 'repository', 'repository name must be lowercase'],
	['foo/Bar', 'repository', 'repository name must be lowercase'],
	['ghcr.io/', 'repository', 'no repository'],
	['docker.io/', 'repository', 'no repository'],
	['foo//bar', 'repository', 'not valid'],
	['foo/bar/', 'repository', 'not valid'],
	['/foo', 'repository', 'not valid'],
	['foo_/bar', 'repository', 'not valid'],
	['foo/-bar', 'repository', 'not valid'],
	['foo/ba r', 'repository', 'not valid'],
	['foo/a...b', 'repository', 'not valid'],
	['foo/a___b', 'repository', 'not valid'],
	['example.com/' + 'p'.repeat(256), 'repository', 'limit is 255'],
	['-bad.example.com/app', 'registry', 'not a valid host'],
	['bad_host.example.com/app', 'registry', 'not a valid host'],
	['host:port/app', 'registry', 'not a valid host'],
	['alpine:', 'tag', 'tag "" is not valid'],
	['alpine:.hidden', 'tag', 'not valid'],
	['alpine:-dash', 'tag', 'not valid'],
	['alpine:a+b', 'tag', 'not valid'],
	[`alpine:${'t'.repeat(129)}`, 'tag', 'not valid'],
	['alpine@', 'digest', 'not valid'],
	['alpine@sha256', 'digest', 'not valid'],
	['alpine@sha256:abc', 'digest', 'not valid'],
	[`alpine@sha256:${'a'.repeat(63)}`, 'digest', 'exactly 64'],
	[`alpine@sha256:${'a'.repeat(65)}`, 'digest', 'exactly 64'],
	[`alpine@sha256:${'A'.repeat(64)}`, 'digest', 'lowercase hex'],
	[`alpine@sha512:${SHA}`, 'digest', 'exactly 128'],
	[`alpine@md5:${'a'.repeat(32)}`, 'digest', 'cannot be verified'],
	[`alpine@blake3:${SHA}`, 'digest', 'cannot be verified'],
	[`alpine@sha256:${'g'.repeat(64)}`, 'digest', 'not valid'],
	[`alpine@sha256:${SHA}@sha256:${SHA}`, 'digest', 'not valid']
];

function errorOf(input: string): RegscopeError {
	try {
		parseReference(input);
	} catch (e) {
		if (e instanceof RegscopeError) return e;
		throw e;
	}
	throw new Error(`parseReference(${JSON.stringify(input)}) did not throw`);
}

describe('parseReference', () => {
	it('has at least 40 grammar cases', () => {
		expect(valid.length + invalid.length).toBeGreaterThanOrEqual(40);
	});

	it.each(valid)('parses %j as %s', (input, canonical) => {
		expect(formatReference(parseReference(input))).toBe(canonical);
	});

	it.each(invalid)('rejects %j naming the %s', (input, part, fragment) => {
		const e = errorOf(input);
		expect(e.code).toBe('INVALID_REFERENCE');
		expect(e.details).toEqual({ part, input: input.trim() });
		expect(e.message).toContain(fragment);
	});

	it('splits into registry, repository, tag and digest', () => {
		expect(parseReference(`ghcr.io/o/r:1@sha256:${SHA}`)).toEqual({
			registry: 'ghcr.io',
			repository: 'o/r',
			tag: '1',
			digest: `sha256:${SHA}`
		});
		const pinned = parseReference(`alpine@sha256:${SHA}`);
		expect(pinned.tag).toBeUndefined();
		expect(Object.keys(pinned)).toEqual(['registry', 'repository', 'digest']);
	});

	it('returns a frozen value', () => {
		expect(Object.isFrozen(parseReference('alpine'))).toBe(true);
	});

	it('tells how to fix an uppercase repository', () => {
		expect(errorOf('ghcr.io/Owner/Repo').message).toContain('write "owner/repo"');
	});
});

describe('formatting', () => {
	const cases: Array<[string, string, string, string]> = [
		// input, repositoryName, familiarName, apiHost
		['alpine:3.20', 'docker.io/library/alpine', 'alpine:3.20', 'registry-1.docker.io'],
		['bitnami/redis:7', 'docker.io/bitnami/redis', 'bitnami/redis:7', 'registry-1.docker.io'],
		['library/a/b', 'docker.io/library/a/b', 'library/a/b:latest', 'registry-1.docker.io'],
		['ghcr.io/o/r:1', 'ghcr.io/o/r', 'ghcr.io/o/r:1', 'ghcr.io'],
		['localhost:5000/app', 'localhost:5000/app', 'localhost:5000/app:latest', 'localhost:5000'],
		[`alpine@sha256:${SHA}`, 'docker.io/library/alpine', `alpine@sha256:${SHA}`, 'registry-1.docker.io']
	];
	it.each(cases)('%s → %s, %s, %s', (input, name, familiar, host) => {
		const ref = parseReference(input);
		expect(repositoryName(ref)).toBe(name);
		expect(familiarName(ref)).toBe(familiar);
		expect(apiHost(ref)).toBe(host);
	});

	it('round-trips the canonical form', () => {
		for (const [input] of valid) {
			const canonical = formatReference(parseReference(input));
			expect(formatReference(parseReference(canonical))).toBe(canonical);
		}
	});
});

describe('targets', () => {
	const digest = `sha256:${SHA}` as Digest;

	it('fetches by digest when there is one, else by tag', () => {
		expect(targetOf(parseReference('alpine:3.20'))).toBe('3.20');
		expect(targetOf(parseReference('alpine'))).toBe('latest');
		expect(targetOf(parseReference(`alpine:3.20@${digest}`))).toBe(digest);
	});

	it('pins a reference, keeping the tag as a label', () => {
		const pinned = withDigest(parseReference('alpine:3.20'), digest);
		expect(formatReference(pinned)).toBe(`docker.io/library/alpine:3.20@${digest}`);
		expect(targetOf(pinned)).toBe(digest);
		expect(Object.isFrozen(pinned)).toBe(true);
	});

	it('drops tag and digest for the repository', () => {
		const repo = withoutTarget(parseReference(`ghcr.io/o/r:1@${digest}`));
		expect(repo).toEqual({ registry: 'ghcr.io', repository: 'o/r' });
		expect(formatReference(repo)).toBe('ghcr.io/o/r');
	});
});
