/**
 * The tables of distribution/reference (normalize_test.go: TestValidateReferenceName,
 * TestValidateRemoteName, TestParseRepositoryInfo, TestNormalizedSplitHostname, TestParseDockerRef;
 * reference_test.go: the IPv6, digest and case rows of TestReferenceParse), ported as data and run
 * through regscope's normalizing parser. Deliberate differences, each with its reason:
 * - `name:tag@digest` keeps the tag (ParseDockerRef drops it): the digest is what is fetched and
 *   verified, the tag stays as the label the person wrote.
 * - `sha512` digests are accepted (go-digest leaves sha512 unregistered unless imported): regscope
 *   can verify them; any other algorithm is refused, since it could not be checked.
 * - A bare `host[:port]` such as `192.168.0.1:80` is not in these tables: distribution reads it as
 *   the Docker Hub image `library/192.168.0.1` with tag `80`, while the search box reads it as a
 *   registry to browse (that is decided there, not by this parser).
 */
import { describe, expect, it } from 'vitest';
import { familiarName, formatReference, parseReference, repositoryName, withoutTarget } from './reference';

const F64 = 'f'.repeat(64);
const BUSYBOX = 'sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582';

/** TestValidateReferenceName + TestValidateRemoteName: must parse. */
const VALID = [
	'docker/docker',
	'library/debian',
	'debian',
	'localhost/library/debian',
	'localhost/debian',
	'LOCALDOMAIN/library/debian',
	'LOCALDOMAIN/debian',
	'docker.io/docker/docker',
	'docker.io/library/debian',
	'docker.io/debian',
	'index.docker.io/docker/docker',
	'index.docker.io/library/debian',
	'index.docker.io/debian',
	'127.0.0.1:5000/docker/docker',
	'127.0.0.1:5000/library/debian',
	'127.0.0.1:5000/debian',
	'192.168.0.1:8/debian',
	'192.168.0.2:25000/debian',
	'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
	'[fc00::1]:5000/docker',
	'[fc00::1]:5000/docker/docker',
	'[fc00:1:2:3:4:5:6:7]:5000/library/debian',
	'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
	'Docker/docker',
	'DOCKER/docker',
	'docker-rules/docker',
	'docker---rules/docker',
	'doc/docker',
	'd/docker',
	'jess/t',
	'dock__er/docker'
];

/** The same tests' invalid names: must be INVALID_REFERENCE. */
const INVALID = [
	'https://github.com/docker/docker',
	'docker/Docker',
	'-docker',
	'-docker/docker',
	'-docker.io/docker/docker',
	'docker///docker',
	'docker.io/docker/Docker',
	'docker.io/docker///docker',
	'[fc00::1]',
	'[fc00::1]:5000',
	'fc00::1:5000/debian',
	'[fe80::1%eth0]:5000/debian',
	'[2001:db8:3:4::192.0.2.33]:5000/debian',
	'1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
	'docker-/docker',
	'-docker-/docker',
	'____/____',
	'_docker/_docker',
	'dock..er/docker',
	'dock_.er/docker',
	'dock-.er/docker',
	'docker/',
	`${'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_'.repeat(4)}/docker`,
	// TestReferenceParse
	'',
	':justtag',
	`@sha256:${F64}`,
	`repo@sha256:${'f'.repeat(34)}`,
	`validname@invaliddigest:${F64}`,
	'Uppercase:tag',
	'test:5000/Uppercase/lowercase:tag',
	`domain/${'a'.repeat(256)}:tag`,
	'aa/asdf$$^/aa',
	'[2001:db8::1]',
	'[2001:db8::1]:5000',
	'[2001:db8::1]:tag',
	'[fe80::1%@invalidzone]:5000/repo'
];

/** TestParseRepositoryInfo: [RemoteName, FamiliarName, FullName, AmbiguousName, Domain]. */
const REPOSITORY_INFO: [string, string, string, string, string][] = [
	['fooo', 'localhost/fooo', 'localhost/fooo', 'localhost/fooo', 'localhost'],
	['fooo/bar', 'localhost/fooo/bar', 'localhost/fooo/bar', 'localhost/fooo/bar', 'localhost'],
	['fooo', 'LOCALDOMAIN/fooo', 'LOCALDOMAIN/fooo', 'LOCALDOMAIN/fooo', 'LOCALDOMAIN'],
	['fooo/bar', 'LOCALDOMAIN/fooo/bar', 'LOCALDOMAIN/fooo/bar', 'LOCALDOMAIN/fooo/bar', 'LOCALDOMAIN'],
	['fooo/bar', 'fooo/bar', 'docker.io/fooo/bar', 'index.docker.io/fooo/bar', 'docker.io'],
	['library/ubuntu', 'ubuntu', 'docker.io/library/ubuntu', 'library/ubuntu', 'docker.io'],
	['nonlibrary/ubuntu', 'nonlibrary/ubuntu', 'docker.io/nonlibrary/ubuntu', '', 'docker.io'],
	['other/library', 'other/library', 'docker.io/other/library', '', 'docker.io'],
	['private/moonbase', '127.0.0.1:8000/private/moonbase', '127.0.0.1:8000/private/moonbase', '', '127.0.0.1:8000'],
	['privatebase', '127.0.0.1:8000/privatebase', '127.0.0.1:8000/privatebase', '', '127.0.0.1:8000'],
	['private/moonbase', 'example.com/private/moonbase', 'example.com/private/moonbase', '', 'example.com'],
	['privatebase', 'example.com/privatebase', 'example.com/privatebase', '', 'example.com'],
	['private/moonbase', 'example.com:8000/private/moonbase', 'example.com:8000/private/moonbase', '', 'example.com:8000'],
	['privatebasee', 'example.com:8000/privatebasee', 'example.com:8000/privatebasee', '', 'example.com:8000'],
	[
		'library/ubuntu-12.04-base',
		'ubuntu-12.04-base',
		'docker.io/library/ubuntu-12.04-base',
		'index.docker.io/library/ubuntu-12.04-base',
		'docker.io'
	],
	['library/foo', 'foo', 'docker.io/library/foo', 'docker.io/foo', 'docker.io'],
	['library/foo/bar', 'library/foo/bar', 'docker.io/library/foo/bar', '', 'docker.io'],
	['store/foo/bar', 'store/foo/bar', 'docker.io/store/foo/bar', '', 'docker.io'],
	['bar', 'Foo/bar', 'Foo/bar', '', 'Foo'],
	['bar', 'FOO/bar', 'FOO/bar', '', 'FOO']
];

/** TestNormalizedSplitHostname: [input, domain, path]. */
const SPLIT: [string, string, string][] = [
	['test.com/foo', 'test.com', 'foo'],
	['test_com/foo', 'docker.io', 'test_com/foo'],
	['docker/migrator', 'docker.io', 'docker/migrator'],
	['test.com:8080/foo', 'test.com:8080', 'foo'],
	['test-com:8080/foo', 'test-com:8080', 'foo'],
	['foo', 'docker.io', 'library/foo'],
	['xn--n3h.com/foo', 'xn--n3h.com', 'foo'],
	['xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo'],
	['docker.io/foo', 'docker.io', 'library/foo'],
	['docker.io/library/foo', 'docker.io', 'library/foo'],
	['docker.io/library/foo/bar', 'docker.io', 'library/foo/bar']
];

/** TestParseDockerRef (and TestReferenceParse rows with IPv6 and digests): [input, canonical]. */
const CANONICAL: [string, string][] = [
	['busybox', 'docker.io/library/busybox:latest'],
	['busybox:latest', 'docker.io/library/busybox:latest'],
	[`busybox@${BUSYBOX}`, `docker.io/library/busybox@${BUSYBOX}`],
	['library/busybox', 'docker.io/library/busybox:latest'],
	['docker.io/busybox', 'docker.io/library/busybox:latest'],
	['docker.io/library/busybox', 'docker.io/library/busybox:latest'],
	['docker.io/busybox:latest', 'docker.io/library/busybox:latest'],
	['library/busybox:latest', 'docker.io/library/busybox:latest'],
	['docker.io/library/busybox:latest', 'docker.io/library/busybox:latest'],
	['gcr.io/library/busybox', 'gcr.io/library/busybox:latest'],
	// Deliberate: the tag is kept next to the digest (see the top of the file).
	[`gcr.io/library/busybox:latest@${BUSYBOX}`, `gcr.io/library/busybox:latest@${BUSYBOX}`],
	['lowercase:Uppercase', 'docker.io/library/lowercase:Uppercase'],
	['b.gcr.io/test.example.com/my-app:test.example.com', 'b.gcr.io/test.example.com/my-app:test.example.com'],
	[`xn--7o8h.com/myimage:xn--7o8h.com@sha256:${F64}`, `xn--7o8h.com/myimage:xn--7o8h.com@sha256:${F64}`],
	['[2001:db8::1]/repo', '[2001:db8::1]/repo:latest'],
	['[2001:db8:1:2:3:4:5:6]/repo:tag', '[2001:db8:1:2:3:4:5:6]/repo:tag'],
	[`[2001:db8::1]:5000/repo:tag@sha256:${F64}`, `[2001:db8::1]:5000/repo:tag@sha256:${F64}`],
	['[::1]:5000/repo', '[::1]:5000/repo:latest'],
	[`example.com/${'a'.repeat(255)}:tag`, `example.com/${'a'.repeat(255)}:tag`]
];

describe('distribution/reference tables', () => {
	it.each(VALID)('accepts %s', (input) => {
		expect(() => parseReference(input)).not.toThrow();
	});

	it.each(INVALID)('refuses %j', (input) => {
		expect(() => parseReference(input)).toThrow(expect.objectContaining({ code: 'INVALID_REFERENCE' }));
	});

	it.each(REPOSITORY_INFO)('%s: every spelling normalizes alike (%s)', (remote, familiar, full, ambiguous, domain) => {
		for (const input of [familiar, full, ambiguous].filter((s) => s !== '')) {
			const ref = parseReference(input);
			expect(ref.registry, input).toBe(domain);
			expect(ref.repository, input).toBe(remote);
			expect(repositoryName(ref), input).toBe(full);
			expect(familiarName(withoutTarget(ref)), input).toBe(familiar);
		}
	});

	it.each(SPLIT)('%s → %s + %s', (input, domain, path) => {
		expect(parseReference(input)).toMatchObject({ registry: domain, repository: path });
	});

	it.each(CANONICAL)('%s → %s', (input, canonical) => {
		expect(formatReference(parseReference(input))).toBe(canonical);
	});
});
