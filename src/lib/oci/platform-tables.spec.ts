/**
 * The tables of containerd/platforms (platforms_test.go: TestParseSelector, TestFormatAllEncoding,
 * TestParseSelectorInvalid, TestFormatAllSkipsEmptyOSFeatures; compare_test.go: TestOnlyStrict,
 * TestCompareOSFeatures), ported as data. Deliberate differences, each with its reason:
 * - One-part specifiers (`linux`, `arm64`, `windows(10.0.17763)`) are refused: containerd fills the
 *   missing part from the host it runs on; regscope's "host" would be whoever runs the server. The
 *   rows that only used one part are kept with an explicit `/amd64`.
 * - Parsing sorts and de-duplicates os.features (containerd keeps the order typed until Normalize):
 *   the label written for an entry and the platform typed for it then compare equal as strings.
 * - os.version is matched as a dotted prefix on every OS (containerd: only on Windows, by host
 *   compatibility): a page has no host, and each `windows(10.0.17763.5576)/amd64` entry must be
 *   addressable by its own label.
 * - Matching is never across variants or to 386 for amd64 (containerd's `Only` does both): the page
 *   shows what was asked for or says it is not there; `OnlyStrict` is the table that applies.
 */
import { describe, expect, it } from 'vitest';
import type { Descriptor, Digest, IndexManifest, Platform } from './model';
import { OCI_INDEX, OCI_MANIFEST } from './media-types';
import { choosePlatform, formatPlatform, normalizePlatform, parsePlatform, platformEntries } from './platform';

const P = (os: string, architecture: string, extra: Partial<Platform> = {}): Platform => ({ os, architecture, ...extra });

/** [input, parsed, formatted, platforms it must match] */
const PARSE: [string, Platform, string, Platform[]][] = [
	[
		'linux/arm64',
		P('linux', 'arm64'),
		'linux/arm64',
		[P('linux', 'aarch64'), P('linux', 'aarch64', { variant: 'v8' }), P('linux', 'arm64', { variant: 'v8' })]
	],
	[
		'linux/arm64/v8',
		P('linux', 'arm64', { variant: 'v8' }),
		'linux/arm64/v8',
		[P('linux', 'aarch64'), P('linux', 'aarch64', { variant: 'v8' }), P('linux', 'arm64')]
	],
	[
		'linux/arm',
		P('linux', 'arm'),
		'linux/arm',
		[P('linux', 'arm', { variant: 'v7' }), P('linux', 'armhf'), P('linux', 'arm', { variant: '7' })]
	],
	['linux/arm/v6', P('linux', 'arm', { variant: 'v6' }), 'linux/arm/v6', [P('linux', 'armel')]],
	['linux/arm/v7', P('linux', 'arm', { variant: 'v7' }), 'linux/arm/v7', [P('linux', 'arm'), P('linux', 'armhf')]],
	['Linux/x86_64', P('linux', 'amd64'), 'linux/amd64', []],
	['linux/s390x', P('linux', 's390x'), 'linux/s390x', []],
	['windows()/amd64', P('windows', 'amd64'), 'windows/amd64', []],
	['windows(10.0.17763)/amd64', P('windows', 'amd64', { 'os.version': '10.0.17763' }), 'windows(10.0.17763)/amd64', []],
	[
		'windows(10.0.17763+win32k)/amd64',
		P('windows', 'amd64', { 'os.version': '10.0.17763', 'os.features': ['win32k'] }),
		'windows(10.0.17763+win32k)/amd64',
		[]
	],
	['linux(+gpu)/amd64', P('linux', 'amd64', { 'os.features': ['gpu'] }), 'linux(+gpu)/amd64', [P('linux', 'amd64')]],
	['linux(+gpu+simd)/amd64', P('linux', 'amd64', { 'os.features': ['gpu', 'simd'] }), 'linux(+gpu+simd)/amd64', []],
	['linux(+unsorted+erofs)/amd64', P('linux', 'amd64', { 'os.features': ['erofs', 'unsorted'] }), 'linux(+erofs+unsorted)/amd64', []],
	[
		'windows(10.0.17763%2Bbuild.42)/amd64',
		P('windows', 'amd64', { 'os.version': '10.0.17763+build.42' }),
		'windows(10.0.17763%2Bbuild.42)/amd64',
		[]
	],
	[
		'windows(10.0.17763%2Bbuild.42+win32k)/amd64',
		P('windows', 'amd64', { 'os.version': '10.0.17763+build.42', 'os.features': ['win32k'] }),
		'windows(10.0.17763%2Bbuild.42+win32k)/amd64',
		[]
	],
	['windows(50%25done)/amd64', P('windows', 'amd64', { 'os.version': '50%done' }), 'windows(50%25done)/amd64', []]
];

/** TestFormatAllEncoding: [platform, formatted]; each must also parse back to itself. */
const ENCODING: [Platform, string][] = [
	[P('windows', 'amd64', { 'os.version': '10.0.17763+build.42' }), 'windows(10.0.17763%2Bbuild.42)/amd64'],
	[
		P('windows', 'amd64', { 'os.version': '10.0.17763+build.42', 'os.features': ['win32k'] }),
		'windows(10.0.17763%2Bbuild.42+win32k)/amd64'
	],
	[P('windows', 'amd64', { 'os.version': '50%done' }), 'windows(50%25done)/amd64'],
	[P('windows', 'amd64', { 'os.version': '1.0(beta)' }), 'windows(1.0%28beta%29)/amd64'],
	[P('windows', 'amd64', { 'os.version': 'a/b' }), 'windows(a%2Fb)/amd64'],
	[P('windows', 'amd64', { 'os.version': '10.0.17763' }), 'windows(10.0.17763)/amd64'],
	[P('linux', 'amd64', { 'os.features': ['feat+v2'] }), 'linux(+feat%2Bv2)/amd64'],
	[P('linux', 'amd64', { 'os.features': ['100%gpu'] }), 'linux(+100%25gpu)/amd64'],
	[P('windows', 'amd64', { 'os.version': '10.0+build', 'os.features': ['feat+1'] }), 'windows(10.0%2Bbuild+feat%2B1)/amd64']
];

/** TestParseSelectorInvalid, plus the one-part forms regscope refuses (see the top of the file). */
const INVALID = [
	'',
	'/linux/arm',
	'linux/arm/',
	'linux /arm',
	'linux/&arm',
	'linux/arm/foo/bar',
	'linux',
	'arm64',
	'windows(10.0.17763)',
	'*',
	'linux/*'
];

/** TestOnlyStrict: wanted → [matches, does not match]. */
const STRICT: [string, string[], string[]][] = [
	['linux/amd64', ['linux/amd64'], ['linux/386', 'linux/arm/v7', 'linux/arm64', 'windows/amd64', 'windows/arm']],
	['linux/386', ['linux/386'], ['linux/amd64', 'linux/arm/v7', 'linux/arm64', 'windows/amd64', 'windows/arm']],
	['windows/amd64', ['windows/amd64', 'windows(10.0.17763)/amd64'], ['linux/amd64', 'linux/arm/v7', 'linux/arm64', 'windows/arm']],
	[
		'windows(10.0.17763)/amd64',
		['windows/amd64', 'windows(10.0.17763)/amd64', 'windows(10.0.17763.5576)/amd64'],
		['linux/amd64', 'linux/arm/v7', 'linux/arm64', 'windows/arm', 'windows(10.0.20348)/amd64']
	],
	[
		'linux/arm/v8',
		['linux/arm/v8'],
		[
			'linux/arm',
			'linux/arm/v5',
			'linux/arm/v6',
			'linux/arm/v7',
			'linux/amd64',
			'linux/arm/v4',
			'linux/arm64',
			'windows/amd64',
			'windows/arm'
		]
	],
	[
		'linux/arm/v7',
		['linux/arm', 'linux/arm/v7'],
		['linux/arm/v5', 'linux/arm/v6', 'linux/amd64', 'linux/arm/v4', 'linux/arm/v8', 'linux/arm64', 'windows/amd64', 'windows/arm']
	]
];

/** TestCompareOSFeatures: wanted, the index's entries, the entry chosen (the first of containerd's order that matches). */
const FEATURES: [string, string[], string][] = [
	['linux/amd64', ['windows/amd64', 'linux(+other)/amd64', 'linux/amd64', 'linux/arm64'], 'linux/amd64'],
	['linux(+none)/amd64', ['windows/amd64', 'linux/amd64', 'linux/arm64', 'linux(+other)/amd64'], 'linux/amd64'],
	['linux(+other)/amd64', ['windows/amd64', 'linux/amd64', 'linux/arm64', 'linux(+other)/amd64'], 'linux(+other)/amd64'],
	['linux(+af+other+zf)/amd64', ['windows/amd64', 'linux/amd64', 'linux/arm64', 'linux(+other)/amd64'], 'linux(+other)/amd64'],
	['linux(+f1+f2)/amd64', ['linux/amd64', 'linux(+f2)/amd64', 'linux(+f1)/amd64', 'linux(+f1+f2)/amd64'], 'linux(+f1+f2)/amd64'],
	['linux(+f1+f2+f3)/amd64', ['linux/amd64', 'linux(+f2)/amd64', 'linux(+f1+f2)/amd64'], 'linux(+f1+f2)/amd64']
];

function indexOf(labels: string[]): IndexManifest {
	const manifests: Descriptor[] = labels.map((label, i) => ({
		mediaType: OCI_MANIFEST,
		digest: `sha256:${String(i).repeat(64)}` as Digest,
		size: 1,
		platform: parsePlatform(label)
	}));
	return { kind: 'index', mediaType: OCI_INDEX, schemaVersion: 2, manifests };
}

describe('containerd/platforms tables', () => {
	it.each(PARSE)('parses %s', (input, parsed, formatted, matches) => {
		const p = parsePlatform(input);
		expect(p).toEqual(parsed);
		expect(formatPlatform(p)).toBe(formatted);
		expect(parsePlatform(formatted)).toEqual(p);
		const entries = platformEntries(indexOf([formatted]));
		for (const m of matches) {
			expect(choosePlatform(platformEntries(indexOf([formatPlatform(m)])), p)).toBeDefined();
		}
		expect(choosePlatform(entries, p).label).toBe(formatted);
	});

	it.each(ENCODING)('formats %j as %s, and back', (platform, formatted) => {
		expect(formatPlatform(platform)).toBe(formatted);
		expect(parsePlatform(formatted)).toEqual(platform);
	});

	it.each(INVALID)('refuses %j', (input) => {
		expect(() => parsePlatform(input)).toThrow(expect.objectContaining({ code: 'INVALID_PLATFORM' }));
	});

	it('skips empty os.features when formatting', () => {
		expect(formatPlatform(P('linux', 'amd64', { 'os.features': ['', 'gpu', '', 'simd'] }))).toBe('linux(+gpu+simd)/amd64');
	});

	it.each(STRICT)('%s matches exactly what OnlyStrict matches', (wanted, yes, no) => {
		const w = parsePlatform(wanted);
		for (const label of yes) expect(choosePlatform(platformEntries(indexOf([label])), w).label).toBe(label);
		for (const label of no)
			expect(() => choosePlatform(platformEntries(indexOf([label])), w)).toThrow(expect.objectContaining({ code: 'NO_MATCHING_PLATFORM' }));
	});

	it.each(FEATURES)('%s chooses from %j as containerd orders them', (wanted, labels, chosen) => {
		expect(choosePlatform(platformEntries(indexOf(labels)), parsePlatform(wanted)).label).toBe(chosen);
	});

	it('normalizes as containerd does, keeping os.version', () => {
		expect(normalizePlatform(P('Windows', 'x86_64', { 'os.version': '10.0.17763.5576' }))).toEqual(
			P('windows', 'amd64', { 'os.version': '10.0.17763.5576' })
		);
	});
});
