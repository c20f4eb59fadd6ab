/**
 * URL ⇄ reference. A permalink is `/r/<canonical reference>` plus `?platform=os/arch[/variant]`;
 * the reference grammar only allows characters that are safe in a path, so nothing is encoded.
 */
import type { Digest, Reference } from '$lib/oci/model';
import { formatReference, withDigest } from '$lib/oci/reference';

export function refPath(reference: string): string {
	return `/r/${reference}`;
}

/** `?platform=linux/arm64/v8`, slashes kept readable (they are legal in a query). */
export function platformQuery(platform: string): string {
	return `?platform=${encodeURIComponent(platform).replace(/%2F/gi, '/')}`;
}

export function permalink(ref: Reference, platform?: string | null): string {
	const base = refPath(formatReference(ref));
	return platform ? base + platformQuery(platform) : base;
}

/** The digest permalink for what a tag resolved to: the digest pins the content, the tag stays for people. */
export function pinnedPermalink(ref: Reference, digest: Digest, platform?: string | null): string {
	return permalink(withDigest(ref, digest), platform);
}

/** A permalink to another tag of the same repository. */
export function tagPermalink(ref: Reference, tag: string): string {
	return refPath(formatReference({ registry: ref.registry, repository: ref.repository, tag }));
}

/** A permalink to another object of the same repository, by digest. */
export function digestPermalink(ref: Reference, digest: Digest, platform?: string | null): string {
	return permalink({ registry: ref.registry, repository: ref.repository, digest }, platform);
}
