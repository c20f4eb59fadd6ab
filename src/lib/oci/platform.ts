/**
 * Platforms: containerd's normalization, the entries of an index as the
 * picker shows them, and choosing one the way skopeo does by default (exact match after
 * normalization, first match wins, attestations never).
 */
import { parseDigest } from './digest';
import { RegscopeError } from './errors';
import { isIndexType } from './media-types';
import type { Digest, IndexManifest, Platform, PlatformEntry } from './model';

export const DEFAULT_PLATFORM: Readonly<Platform> = Object.freeze({ os: 'linux', architecture: 'amd64' });

const ATTESTATION_TYPE_KEY = 'vnd.docker.reference.type';
const ATTESTATION_DIGEST_KEY = 'vnd.docker.reference.digest';
const ATTESTATION_MANIFEST = 'attestation-manifest';

/** Numeric variants are written with a `v`: `8` → `v8`. */
function spellVariant(variant: string): string {
	return /^[0-9]/.test(variant) ? `v${variant}` : variant;
}

/**
 * Maps aliases to one spelling (aarch64 → arm64, x86_64 → amd64, i386 → 386, armhf → arm/v7,
 * armel → arm/v6, macos → darwin) but keeps the variant an entry declares, so labels read like
 * the index: an arm64 entry with variant v8 stays `linux/arm64/v8`.
 */
function canonical(p: Platform): Platform {
	const os = p.os.toLowerCase() === 'macos' ? 'darwin' : p.os.toLowerCase();
	let architecture = p.architecture.toLowerCase();
	let variant = spellVariant((p.variant ?? '').toLowerCase());
	if (architecture === 'i386') [architecture, variant] = ['386', ''];
	else if (architecture === 'x86_64' || architecture === 'x86-64') architecture = 'amd64';
	else if (architecture === 'aarch64') architecture = 'arm64';
	else if (architecture === 'armhf') [architecture, variant] = ['arm', 'v7'];
	else if (architecture === 'armel') [architecture, variant] = ['arm', 'v6'];
	const out: Platform = { ...p, os, architecture };
	if (variant) out.variant = variant;
	else delete out.variant;
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
	else if (architecture === 'arm64' && (variant === 'v9.0')) normalized = 'v9';
	else if (architecture === 'arm' && variant === '') normalized = 'v7';
	if (normalized) out.variant = normalized;
	else delete out.variant;
	return out;
}

/** `os/arch[/variant]`. */
export function formatPlatform(p: Platform): string {
	return [p.os, p.architecture, p.variant].filter((part) => part).join('/');
}

/** Parses `os/arch[/variant]` as typed by a person (any case). Throws INVALID_PLATFORM. */
export function parsePlatform(untrusted: string): Platform {
	const input = untrusted.trim();
	const parts = input.split('/');
	if (parts.length < 2 || parts.length > 3 || !parts.every((p) => /^[A-Za-z0-9._-]+$/.test(p))) {
		throw new RegscopeError(
			'INVALID_PLATFORM',
			`platform "${input}" is not valid: write it as os/architecture[/variant], for example linux/amd64 or linux/arm64/v8`,
			{ input }
		);
	}
	const [os = '', architecture = '', variant] = parts;
	return canonical(variant === undefined ? { os, architecture } : { os, architecture, variant });
}

function samePlatform(a: Platform, b: Platform): boolean {
	const x = normalizePlatform(a);
	const y = normalizePlatform(b);
	return x.os === y.os && x.architecture === y.architecture && x.variant === y.variant;
}

function attestedDigest(value: string | undefined): Digest | undefined {
	if (value === undefined) return undefined;
	try {
		return parseDigest(value);
	} catch {
		return undefined;
	}
}

/** The entries of an index, labelled, with attestations and nested indexes marked. */
export function platformEntries(index: IndexManifest): PlatformEntry[] {
	return index.manifests.map((descriptor) => {
		const { platform, annotations } = descriptor;
		const attestation =
			platform?.os === 'unknown' &&
			platform.architecture === 'unknown' &&
			annotations?.[ATTESTATION_TYPE_KEY] === ATTESTATION_MANIFEST;
		const entry: PlatformEntry = {
			descriptor,
			label: platform ? formatPlatform(canonical(platform)) : 'unspecified',
			attestation,
			nestedIndex: isIndexType(descriptor.mediaType)
		};
		if (platform) entry.platform = platform;
		const attests = attestation ? attestedDigest(annotations?.[ATTESTATION_DIGEST_KEY]) : undefined;
		if (attests) entry.attests = attests;
		return entry;
	});
}

/**
 * The first entry whose platform equals `wanted` after normalization (image-index.md: the first
 * match SHOULD be used). Default linux/amd64, like skopeo on an amd64 host; never a silent
 * fallback to another platform. Throws NO_MATCHING_PLATFORM listing what the index has.
 */
export function choosePlatform(entries: PlatformEntry[], wanted: Platform = DEFAULT_PLATFORM): PlatformEntry {
	const choice = entries.find(
		(e) => !e.attestation && e.platform !== undefined && samePlatform(e.platform, wanted)
	);
	if (choice) return choice;
	const available = entries.filter((e) => !e.attestation).map((e) => e.label);
	const label = formatPlatform(canonical(wanted));
	throw new RegscopeError(
		'NO_MATCHING_PLATFORM',
		available.length > 0
			? `there is no ${label} image in this index; it has: ${available.join(', ')}. Choose one of those platforms.`
			: `there is no ${label} image in this index; it lists no images at all (only attestations, or nothing)`,
		{ wanted: label, available }
	);
}
