import { describe, it, expect } from 'vitest';
import { RegscopeError } from './errors';
import { DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST } from './media-types';
import type { Descriptor, Digest, IndexManifest, Platform } from './model';
import { choosePlatform, formatPlatform, hasPlatforms, normalizePlatform, parsePlatform, platformEntries } from './platform';

const D = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const p = (os: string, architecture: string, variant?: string): Platform =>
	variant === undefined ? { os, architecture } : { os, architecture, variant };

describe('normalizePlatform (containerd)', () => {
	it.each([
		[p('linux', 'x86_64'), 'linux/amd64'],
		[p('linux', 'x86-64'), 'linux/amd64'],
		[p('linux', 'amd64', 'v1'), 'linux/amd64'],
		[p('linux', 'amd64', 'v3'), 'linux/amd64/v3'],
		[p('linux', 'i386'), 'linux/386'],
		[p('linux', 'aarch64'), 'linux/arm64'],
		[p('linux', 'arm64', 'v8'), 'linux/arm64'],
		[p('linux', 'arm64', '8'), 'linux/arm64'],
		[p('linux', 'arm64', 'v8.0'), 'linux/arm64'],
		[p('linux', 'arm64', '9.0'), 'linux/arm64/v9'],
		[p('linux', 'arm64', 'v9.0'), 'linux/arm64/v9'],
		[p('linux', 'arm'), 'linux/arm/v7'],
		[p('linux', 'arm', '7'), 'linux/arm/v7'],
		[p('linux', 'arm', '6'), 'linux/arm/v6'],
		[p('linux', 'arm', 'v5'), 'linux/arm/v5'],
		[p('linux', 'armhf'), 'linux/arm/v7'],
		[p('linux', 'armel'), 'linux/arm/v6'],
		[p('Linux', 'AMD64'), 'linux/amd64'],
		[p('macos', 'arm64'), 'darwin/arm64'],
		[p('windows', 'amd64'), 'windows/amd64'],
		[p('linux', 's390x'), 'linux/s390x']
	])('%j → %s', (platform, expected) => {
		expect(formatPlatform(normalizePlatform(platform))).toBe(expected);
	});

	it('keeps os.version and does not modify its input', () => {
		const input = { os: 'windows', architecture: 'x86_64', 'os.version': '10.0.20348.2227' };
		expect(normalizePlatform(input)).toEqual({ os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.2227' });
		expect(input.architecture).toBe('x86_64');
	});
});

describe('parsePlatform', () => {
	it.each([
		['linux/amd64', p('linux', 'amd64')],
		[' linux/arm64/v8 ', p('linux', 'arm64', 'v8')],
		['Linux/AArch64', p('linux', 'arm64')],
		['linux/arm/7', p('linux', 'arm', 'v7')],
		['windows/amd64', p('windows', 'amd64')]
	])('%j', (input, expected) => {
		expect(parsePlatform(input)).toEqual(expected);
	});

	it.each(['', 'linux', 'linux/', '/amd64', 'linux/amd64/v8/extra', 'linux amd64', 'linux/amd64:10.0'])('rejects %j', (input) => {
		expect(() => parsePlatform(input)).toThrow(
			expect.objectContaining({ code: 'INVALID_PLATFORM', message: expect.stringContaining('os/architecture') })
		);
	});
});

function entry(c: string, platform?: Platform, extra: Partial<Descriptor> = {}): Descriptor {
	const d: Descriptor = { mediaType: OCI_MANIFEST, digest: D(c), size: 100, ...extra };
	if (platform) d.platform = platform;
	return d;
}

const attestation = (c: string, of: string): Descriptor =>
	entry(c, p('unknown', 'unknown'), {
		annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': D(of) }
	});

function index(...manifests: Descriptor[]): IndexManifest {
	return { kind: 'index', mediaType: OCI_INDEX, schemaVersion: 2, manifests };
}

describe('platformEntries', () => {
	it('labels entries and marks attestations, nested indexes and missing platforms', () => {
		const entries = platformEntries(
			index(
				entry('1', p('linux', 'amd64')),
				entry('2', p('linux', 'aarch64', '8')),
				attestation('3', '1'),
				entry('4', p('unknown', 'unknown')),
				entry('5', undefined, { mediaType: OCI_INDEX }),
				entry('6', p('linux', 'arm'), { mediaType: DOCKER_MANIFEST })
			)
		);
		expect(entries.map((e) => [e.label, e.attestation, e.nestedIndex, e.attests])).toEqual([
			['linux/amd64', false, false, undefined],
			['linux/arm64/v8', false, false, undefined],
			['unknown/unknown', true, false, D('1')],
			['unknown/unknown (2)', false, false, undefined],
			['OCI image index', false, true, undefined],
			['linux/arm', false, false, undefined]
		]);
		expect(entries[0]?.descriptor.digest).toBe(D('1'));
		expect(entries[4]).not.toHaveProperty('platform');
	});

	it('ignores a malformed attested digest', () => {
		const bad = entry('3', p('unknown', 'unknown'), {
			annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': 'nope' }
		});
		const [e] = platformEntries(index(bad));
		expect(e?.attestation).toBe(true);
		expect(e).not.toHaveProperty('attests');
	});
});

describe('choosePlatform', () => {
	const buildx = platformEntries(
		index(
			attestation('a', '2'),
			entry('1', p('linux', 'arm64', 'v8')),
			entry('2', p('linux', 'amd64')),
			entry('3', p('linux', 'arm', 'v7')),
			entry('4', p('linux', 'arm', 'v6')),
			entry('5', p('windows', 'amd64', undefined)),
			entry('6', p('linux', 'amd64')),
			attestation('b', '1')
		)
	);

	it.each([
		[undefined, D('2')],
		[p('linux', 'amd64'), D('2')],
		[p('linux', 'x86_64'), D('2')],
		[p('linux', 'arm64'), D('1')],
		[p('linux', 'arm64', 'v8'), D('1')],
		[p('linux', 'aarch64'), D('1')],
		[p('linux', 'arm'), D('3')],
		[p('linux', 'arm', 'v6'), D('4')],
		[p('linux', 'armel'), D('4')],
		[p('windows', 'amd64'), D('5')]
	])('%j → %s (first match, attestations skipped)', (wanted, digest) => {
		expect(choosePlatform(buildx, wanted).descriptor.digest).toBe(digest);
	});

	it('matches an arm64 entry without variant to an arm64/v8 request', () => {
		const entries = platformEntries(index(entry('1', p('linux', 'arm64'))));
		expect(choosePlatform(entries, parsePlatform('linux/arm64/v8')).descriptor.digest).toBe(D('1'));
	});

	it('never chooses an attestation, even when asked for unknown/unknown', () => {
		expect(() => choosePlatform(buildx, p('unknown', 'unknown'))).toThrow(expect.objectContaining({ code: 'NO_MATCHING_PLATFORM' }));
	});

	it('lists what the index has when nothing matches', () => {
		let error: unknown;
		try {
			choosePlatform(buildx, parsePlatform('linux/s390x'));
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(RegscopeError);
		const e = error as RegscopeError;
		expect(e.code).toBe('NO_MATCHING_PLATFORM');
		expect(e.message).toContain(
			`no linux/s390x image in this index, and regscope never substitutes another architecture or variant; it has: linux/arm64/v8, linux/amd64, linux/arm/v7, linux/arm/v6, windows/amd64, linux/amd64 (2) (${D('6')})`
		);
		expect(e.details).toEqual({
			wanted: 'linux/s390x',
			available: ['linux/arm64/v8', 'linux/amd64', 'linux/arm/v7', 'linux/arm/v6', 'windows/amd64']
		});
	});

	it('does not fall back to another platform by default (arm64-only index)', () => {
		const armOnly = platformEntries(index(entry('1', p('linux', 'arm64', 'v8')), entry('2')));
		expect(() => choosePlatform(armOnly)).toThrow(
			expect.objectContaining({
				code: 'NO_MATCHING_PLATFORM',
				message: expect.stringContaining(`it has: linux/arm64/v8, OCI image manifest (no platform, ${D('2')})`)
			})
		);
	});

	it('is strict about variants (arm/v7 does not take arm/v6)', () => {
		const v6 = platformEntries(index(entry('1', p('linux', 'arm', 'v6'))));
		expect(() => choosePlatform(v6, p('linux', 'arm', 'v7'))).toThrow(expect.objectContaining({ code: 'NO_MATCHING_PLATFORM' }));
	});
});

describe('indexes of every shape', () => {
	const win = (c: string, version: string) => entry(c, { os: 'windows', architecture: 'amd64', 'os.version': version });
	const windows = platformEntries(index(win('1', '10.0.17763.5576'), win('2', '10.0.20348.2227'), win('3', '10.0.26100.1742')));
	const gpu = platformEntries(
		index(entry('1', { os: 'linux', architecture: 'amd64', 'os.features': ['gpu'] }), entry('2', p('linux', 'amd64')))
	);

	it('adds a v to numeric variants of arm and arm64 only', () => {
		expect(formatPlatform(parsePlatform('linux/amd64/2'))).toBe('linux/amd64/2');
		expect(formatPlatform(parsePlatform('linux/riscv64/1'))).toBe('linux/riscv64/1');
		expect(formatPlatform(parsePlatform('linux/arm/6'))).toBe('linux/arm/v6');
		expect(platformEntries(index(entry('1', p('linux', 'amd64', '2'))))[0]?.label).toBe('linux/amd64/2');
	});

	it('labels Windows entries with their os.version, each addressable by its label', () => {
		expect(windows.map((e) => [e.label, e.selectable])).toEqual([
			['windows(10.0.17763.5576)/amd64', true],
			['windows(10.0.20348.2227)/amd64', true],
			['windows(10.0.26100.1742)/amd64', true]
		]);
		for (const e of windows) expect(choosePlatform(windows, parsePlatform(e.label))).toBe(e);
		expect(choosePlatform(windows, parsePlatform('windows(10.0.20348)/amd64')).descriptor.digest).toBe(D('2'));
		expect(choosePlatform(windows, parsePlatform('windows/amd64')).descriptor.digest).toBe(D('1'));
	});

	it('does not choose an entry requiring os.features for a request without them', () => {
		expect(gpu.map((e) => e.label)).toEqual(['linux(+gpu)/amd64', 'linux/amd64']);
		expect(choosePlatform(gpu).descriptor.digest).toBe(D('2'));
		expect(choosePlatform(gpu, parsePlatform('linux(+gpu)/amd64')).descriptor.digest).toBe(D('1'));
		// A `+` sent unescaped in a query string arrives as a space.
		expect(choosePlatform(gpu, parsePlatform('linux( gpu)/amd64')).descriptor.digest).toBe(D('1'));
		const gpuOnly = platformEntries(index(entry('1', { os: 'linux', architecture: 'amd64', 'os.features': ['gpu'] })));
		expect(() => choosePlatform(gpuOnly)).toThrow(
			expect.objectContaining({ code: 'NO_MATCHING_PLATFORM', message: expect.stringContaining('it has: linux(+gpu)/amd64') })
		);
	});

	it('keeps labels unique and marks repeats as reachable by digest only', () => {
		const twice = platformEntries(index(entry('1', p('linux', 'amd64')), entry('2', p('linux', 'amd64')), entry('3'), entry('4')));
		expect(twice.map((e) => [e.label, e.selectable])).toEqual([
			['linux/amd64', true],
			['linux/amd64 (2)', false],
			['OCI image manifest', false],
			['OCI image manifest (2)', false]
		]);
		expect(new Set(twice.map((e) => e.label)).size).toBe(4);
	});

	it('names entries without a platform by ref name, then artifact type', () => {
		const artifacts = platformEntries(
			index(
				entry('1', undefined, { annotations: { 'org.opencontainers.image.ref.name': 'v1.0' } }),
				entry('2', undefined, { artifactType: 'application/vnd.example.sbom' }),
				entry('3', undefined, { artifactType: 'application/vnd.example.sbom' })
			)
		);
		expect(artifacts.map((e) => e.label)).toEqual(['v1.0', 'application/vnd.example.sbom', 'application/vnd.example.sbom (2)']);
		expect(hasPlatforms(artifacts)).toBe(false);
		expect(hasPlatforms(gpu)).toBe(true);
	});

	it('refuses an over-long platform before parsing it', () => {
		expect(() => parsePlatform(`linux(+${'f+'.repeat(200)}x)/amd64`)).toThrow(expect.objectContaining({ code: 'INVALID_PLATFORM' }));
	});
});
