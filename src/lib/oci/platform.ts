/**
 * Platforms written, normalized and matched as containerd/platforms does, and the one place where
 * regscope decides which entry of an index to show.
 *
 * The choice, for a wanted platform W (default linux/amd64, like skopeo on an amd64 host):
 * 1. an entry matches when os, architecture and variant are equal after normalization, its
 *    `os.version` is absent or starts with W's (any, when W names none), and every `os.features` it requires is
 *    in W's (containerd's subset rule; Windows' `win32k` is not required, as containerd strips it);
 * 2. among matches: the exact one (same os.version and features as W) first, then (containerd's
 *    ordering) those with more of W's features before those with fewer; index order breaks ties
 *    (image-index.md: the first match);
 * 3. attestations never; entries without a platform are listed but never chosen for a platform.
 * Unlike skopeo, which falls back across arm variants (v7 takes v6), and unlike containerd on a
 * Windows host (host-compatible versions), nothing else is ever chosen: when nothing matches, the
 * error lists what the index has.
 */
import { parseDigest } from './digest';
import { RegscopeError } from './errors';
import { describeMediaType, isIndexType } from './media-types';
import type { Descriptor, Digest, IndexManifest, Platform, PlatformEntry } from './model';

export const DEFAULT_PLATFORM: Readonly<Platform> = Object.freeze({ os: 'linux', architecture: 'amd64' });

const ATTESTATION_TYPE_KEY = 'vnd.docker.reference.type';
const ATTESTATION_DIGEST_KEY = 'vnd.docker.reference.digest';
const ATTESTATION_MANIFEST = 'attestation-manifest';
const REF_NAME_KEY = 'org.opencontainers.image.ref.name';
/** Beyond this many os.features, more of them no longer ranks an entry higher. */
const MAX_FEATURES = 64;
/** Longer platform strings are refused before any parsing. */
const MAX_PLATFORM_LENGTH = 256;

/** containerd spells numeric variants with a `v` only where they are CPU generations: arm and arm64. */
function spellVariant(architecture: string, variant: string): string {
	if (architecture === 'arm' && /^[5-8]$/.test(variant)) return `v${variant}`;
	if (architecture === 'arm64' && /^(8|9)(\.0)?$/.test(variant)) return `v${variant}`;
	return variant;
}

function sortedFeatures(features: string[] | undefined): string[] {
	return [...new Set(features ?? [])].filter((f) => f !== '').sort();
}

/**
 * Maps aliases to one spelling (aarch64 → arm64, x86_64 → amd64, i386 → 386, armhf → arm/v7,
 * armel → arm/v6, macos → darwin) but keeps the variant an entry declares, so labels read like
 * the index: an arm64 entry with variant v8 stays `linux/arm64/v8`. os.features are sorted, once each.
 */
function canonical(p: Platform): Platform {
	const os = p.os.toLowerCase() === 'macos' ? 'darwin' : p.os.toLowerCase();
	let architecture = p.architecture.toLowerCase();
	if (architecture === 'x86_64' || architecture === 'x86-64') architecture = 'amd64';
	else if (architecture === 'aarch64') architecture = 'arm64';
	let variant = spellVariant(architecture, (p.variant ?? '').toLowerCase());
	if (architecture === 'i386') [architecture, variant] = ['386', ''];
	else if (architecture === 'armhf') [architecture, variant] = ['arm', 'v7'];
	else if (architecture === 'armel') [architecture, variant] = ['arm', 'v6'];
	const out: Platform = { ...p, os, architecture };
	if (variant) out.variant = variant;
	else delete out.variant;
	const features = sortedFeatures(p['os.features']);
	if (features.length > 0) out['os.features'] = features;
	else delete out['os.features'];
	if (!out['os.version']) delete out['os.version'];
	return out;
}

/**
 * containerd's Normalize: canonical spelling plus default variants, so that equal platforms
 * compare equal: arm64/v8 = arm64, arm = arm/v7, amd64/v1 = amd64.
 */
export function normalizePlatform(p: Platform): Platform {
	const out = canonical(p);
	const { architecture, variant = '' } = out;
	let normalized = variant;
	if (architecture === 'amd64' && variant === 'v1') normalized = '';
	else if (architecture === 'arm64' && (variant === 'v8' || variant === 'v8.0')) normalized = '';
	else if (architecture === 'arm64' && variant === 'v9.0') normalized = 'v9';
	else if (architecture === 'arm' && variant === '') normalized = 'v7';
	if (normalized) out.variant = normalized;
	else delete out.variant;
	return out;
}

/** containerd escapes what would be read as syntax inside the parentheses. */
function encodeOption(v: string): string {
	return v.replace(/%/g, '%25').replace(/\+/g, '%2B').replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/\//g, '%2F');
}

/** containerd's FormatAll: `os[(version[+feature…])]/arch[/variant]`, e.g. `windows(10.0.17763.5576)/amd64`, `linux(+gpu)/amd64`. */
export function formatPlatform(p: Platform): string {
	const version = encodeOption(p['os.version'] ?? '');
	const features = sortedFeatures(p['os.features']).map(encodeOption).join('+');
	const options = version || features ? `(${version}${features ? `+${features}` : ''})` : '';
	return [p.os + options, p.architecture, p.variant].filter((part) => part).join('/');
}

/** `os/arch[/variant]` without os.version or features: what `docker --platform` and skopeo's overrides take. */
export function commandPlatform(p: Platform): string {
	const c = canonical(p);
	return [c.os, c.architecture, c.variant].filter((part) => part).join('/');
}

const OS_PART = /^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.%-]*)((?:\+[A-Za-z0-9_.%-]+)*)\))?$/;
const PART = /^[A-Za-z0-9_.-]+$/;

function invalidPlatform(input: string, why: string): RegscopeError {
	return new RegscopeError(
		'INVALID_PLATFORM',
		`platform "${input}" is not valid (${why}): write it as os/architecture[/variant], for example linux/amd64, linux/arm64/v8, windows(10.0.17763.5576)/amd64 or linux(+gpu)/amd64`,
		{ input }
	);
}

function decodeOption(input: string, v: string): string {
	try {
		return decodeURIComponent(v);
	} catch {
		throw invalidPlatform(input, `bad %-escape in "${v}"`);
	}
}

/**
 * Parses a platform as containerd writes it, `os[(version[+feature…])]/arch[/variant]`, any case.
 * Throws INVALID_PLATFORM naming what is wrong. A lone `os` or `arch` is refused: containerd fills the
 * rest from the host it runs on, and regscope has no host to speak of.
 */
export function parsePlatform(untrusted: string): Platform {
	if (untrusted.length > MAX_PLATFORM_LENGTH)
		throw invalidPlatform(untrusted.slice(0, 40) + '…', `longer than ${MAX_PLATFORM_LENGTH} characters`);
	// A `+` typed unescaped into a query string (`?platform=linux(+gpu)/amd64`) arrives as a space.
	const input = untrusted.trim().replace(/ /g, '+');
	const parts = input.split('/');
	if (parts.length < 2 || parts.length > 3) throw invalidPlatform(input, `${parts.length} part${parts.length === 1 ? '' : 's'}`);
	const [osPart = '', architecture = '', variant] = parts;
	const os = OS_PART.exec(osPart);
	if (!os) throw invalidPlatform(input, `bad os "${osPart}"`);
	const bad = parts.slice(1).find((part) => !PART.test(part));
	if (bad !== undefined) throw invalidPlatform(input, `bad part "${bad}"`);
	const p: Platform = { os: os[1] ?? '', architecture };
	if (variant !== undefined) p.variant = variant;
	const version = decodeOption(input, os[2] ?? '');
	if (version) p['os.version'] = version;
	const features = (os[3] ?? '')
		.split('+')
		.filter((f) => f !== '')
		.map((f) => decodeOption(input, f));
	if (features.length > 0) p['os.features'] = features;
	return canonical(p);
}

/** containerd: an entry without os.version fits any; otherwise regscope wants W's version as a dotted prefix. */
function versionMatches(wanted: string | undefined, offered: string | undefined): boolean {
	if (!wanted || !offered) return true;
	return offered === wanted || (offered ?? '').startsWith(`${wanted}.`);
}

/**
 * How well `offered` serves `wanted`: -1 when it does not match; 0 for an exact match (same
 * os.version and features); otherwise the fewer features it has, the larger (containerd prefers the
 * entry with the most matching features).
 */
function rank(offered: Platform, wanted: Platform): number {
	const x = normalizePlatform(offered);
	const y = normalizePlatform(wanted);
	if (x.os !== y.os || x.architecture !== y.architecture || x.variant !== y.variant) return -1;
	if (!versionMatches(y['os.version'], x['os.version'])) return -1;
	const want = new Set(y['os.features'] ?? []);
	const offeredFeatures = x['os.features'] ?? [];
	const need = offeredFeatures.filter((f) => !(x.os === 'windows' && f === 'win32k'));
	if (!need.every((f) => want.has(f))) return -1;
	const sameFeatures = offeredFeatures.join('+') === (y['os.features'] ?? []).join('+');
	if (sameFeatures && (x['os.version'] ?? '') === (y['os.version'] ?? '')) return 0;
	return 1 + MAX_FEATURES - Math.min(offeredFeatures.length, MAX_FEATURES);
}

function attestedDigest(value: string | undefined): Digest | undefined {
	if (value === undefined) return undefined;
	try {
		return parseDigest(value);
	} catch {
		return undefined;
	}
}

/** What names an entry without a platform: its ref name, artifact type, or media type. */
function unplatformedLabel(d: Descriptor): string {
	return d.annotations?.[REF_NAME_KEY] || d.artifactType || describeMediaType(d.mediaType);
}

/** The first matching entry in the order described at the top of this file, or undefined. */
function bestMatch(entries: PlatformEntry[], wanted: Platform): PlatformEntry | undefined {
	let best: PlatformEntry | undefined;
	let bestRank = Infinity;
	for (const e of entries) {
		if (e.attestation || e.platform === undefined) continue;
		const r = rank(e.platform, wanted);
		if (r >= 0 && r < bestRank) [best, bestRank] = [e, r];
	}
	return best;
}

/**
 * The entries of an index, labelled (unique within the index: a repeated label gets ` (2)`, ` (3)`…),
 * with attestations and nested indexes marked, and `selectable` when `?platform=<label>` picks exactly
 * that entry (otherwise the page links it by digest).
 */
export function platformEntries(index: IndexManifest): PlatformEntry[] {
	const seen = new Map<string, number>();
	const entries = index.manifests.map((descriptor) => {
		const { platform, annotations } = descriptor;
		const attestation =
			platform?.os === 'unknown' && platform.architecture === 'unknown' && annotations?.[ATTESTATION_TYPE_KEY] === ATTESTATION_MANIFEST;
		const base = platform ? formatPlatform(canonical(platform)) : unplatformedLabel(descriptor);
		const n = (seen.get(base) ?? 0) + 1;
		seen.set(base, n);
		const entry: PlatformEntry = {
			descriptor,
			label: n === 1 ? base : `${base} (${n})`,
			attestation,
			nestedIndex: isIndexType(descriptor.mediaType),
			selectable: false
		};
		if (platform) entry.platform = platform;
		const attests = attestation ? attestedDigest(annotations?.[ATTESTATION_DIGEST_KEY]) : undefined;
		if (attests) entry.attests = attests;
		return entry;
	});
	for (const e of entries) {
		if (e.attestation || !e.platform) continue;
		e.selectable = bestMatch(entries, canonical(e.platform)) === e;
	}
	return entries;
}

/** Whether any entry can be chosen by platform at all (else the index is shown as a list of its entries). */
export function hasPlatforms(entries: PlatformEntry[]): boolean {
	return entries.some((e) => !e.attestation && e.platform !== undefined);
}

/** NO_MATCHING_PLATFORM for `wanted`, listing what the index has (entries `?platform=` cannot single out with their digest). */
export function noMatchingPlatform(entries: PlatformEntry[], wanted: Platform): RegscopeError {
	const listed = entries
		.filter((e) => !e.attestation)
		.map((e) => (e.selectable ? e.label : `${e.label} (${e.platform ? '' : 'no platform, '}${e.descriptor.digest})`));
	const label = formatPlatform(canonical(wanted));
	// `available`: what `?platform=` can ask for (the page links each); the message names every entry.
	const available = entries.filter((e) => e.selectable).map((e) => e.label);
	return new RegscopeError(
		'NO_MATCHING_PLATFORM',
		listed.length > 0
			? `there is no ${label} image in this index, and regscope never substitutes another architecture or variant; it has: ${listed.join(', ')}. Choose one of those.`
			: `there is no ${label} image in this index; it lists no images at all (only attestations, or nothing)`,
		{ wanted: label, available }
	);
}

/** Chooses the entry for `wanted` (see the top of this file). Throws NO_MATCHING_PLATFORM listing what the index has. */
export function choosePlatform(entries: PlatformEntry[], wanted: Platform = DEFAULT_PLATFORM): PlatformEntry {
	const choice = bestMatch(entries, wanted);
	if (choice) return choice;
	throw noMatchingPlatform(entries, wanted);
}
