/** The CLI commands that fetch exactly what the page shows (pinned by digest, so they cannot drift). */
import type { Digest, Reference } from '$lib/oci/model';
import { familiarName, formatReference, withDigest } from '$lib/oci/reference';

export interface Command {
	label: string;
	command: string;
}

/** Quotes a shell word only when it needs it (references never contain quotes). */
function sh(s: string): string {
	return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s}'`;
}

/**
 * `schema1`: current Docker and crane cannot pull or read a schema1 image's config, so only the commands
 * that still work on one are offered.
 */
export function commandsFor(ref: Reference, digest: Digest, platform?: string, schema1 = false): Command[] {
	const pinned = withDigest({ registry: ref.registry, repository: ref.repository }, digest);
	const full = formatReference(pinned);
	const familiar = familiarName(pinned);
	const [os, arch, variant] = (platform ?? '').split('/');
	const skopeoPlatform = platform
		? ` --override-os ${sh(os ?? '')} --override-arch ${sh(arch ?? '')}${variant ? ` --override-variant ${sh(variant)}` : ''}`
		: '';
	const skopeo = { label: 'skopeo inspect', command: `skopeo inspect${skopeoPlatform} docker://${sh(full)}` };
	const manifest = { label: 'crane manifest', command: `crane manifest ${sh(full)}` };
	if (schema1) return [skopeo, manifest];
	return [
		{ label: 'docker pull', command: `docker pull${platform ? ` --platform ${sh(platform)}` : ''} ${sh(familiar)}` },
		skopeo,
		manifest,
		{ label: 'crane config', command: `crane config${platform ? ` --platform ${sh(platform)}` : ''} ${sh(full)}` }
	];
}
