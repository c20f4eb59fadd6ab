/** The CLI commands that fetch exactly what the page shows (pinned by digest, so they cannot drift). */
import type { Digest, Reference } from '$lib/oci/model';
import { familiarName, formatReference, withDigest } from '$lib/oci/reference';

export interface Command {
	label: string;
	command: string;
	/** What the command needs that a flag cannot give (docker's insecure-registries setting). */
	note?: string;
}

export interface CommandOptions {
	/** The chosen platform of an index, `os/arch[/variant]`. */
	platform?: string;
	/** A Docker schema1 image. */
	schema1?: boolean;
	/** The server reaches this registry over plain http: each tool gets its own flag for that. */
	insecure?: boolean;
	/** This site's origin, for the curl command of the JSON view. */
	origin?: string;
}

/** Quotes a shell word only when it needs it (references never contain quotes). */
function sh(s: string): string {
	return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s}'`;
}

/** `/api/inspect?…` for this image and platform: the JSON the page is built from, as skopeo would print it. */
export function inspectApiPath(ref: Reference, digest: Digest, platform?: string): string {
	const q = new URLSearchParams({ ref: formatReference(withDigest({ registry: ref.registry, repository: ref.repository }, digest)) });
	if (platform) q.set('platform', platform);
	return `/api/inspect?${q.toString().replaceAll('%3A', ':').replaceAll('%2F', '/').replaceAll('%40', '@')}`;
}

/**
 * Commands for skopeo, docker, crane, regctl and oras. `schema1`: current Docker, crane, regctl and oras
 * cannot read a schema1 image's config, so only the commands that still work on one are offered.
 */
export function commandsFor(ref: Reference, digest: Digest, o: CommandOptions = {}): Command[] {
	const pinned = withDigest({ registry: ref.registry, repository: ref.repository }, digest);
	const full = sh(formatReference(pinned));
	const { platform, insecure = false } = o;
	const [os, arch, variant] = (platform ?? '').split('/');
	const skopeoFlags = `${insecure ? ' --tls-verify=false' : ''}${
		platform ? ` --override-os ${sh(os ?? '')} --override-arch ${sh(arch ?? '')}${variant ? ` --override-variant ${sh(variant)}` : ''}` : ''
	}`;
	const p = platform ? ` --platform ${sh(platform)}` : '';
	const crane = insecure ? ' --insecure' : '';
	const regctl = insecure ? ` --host ${sh(`reg=${ref.registry},tls=disabled`)}` : '';
	const oras = insecure ? ' --plain-http' : '';
	const skopeo = { label: 'skopeo inspect', command: `skopeo inspect${skopeoFlags} docker://${full}` };
	const manifest = { label: 'crane manifest', command: `crane manifest${crane}${p} ${full}` };
	const json: Command[] = o.origin
		? [{ label: 'this view as JSON (curl)', command: `curl ${sh(o.origin + inspectApiPath(ref, digest, platform))}` }]
		: [];
	if (o.schema1) return [skopeo, { label: 'crane manifest', command: `crane manifest${crane} ${full}` }, ...json];
	const docker: Command = { label: 'docker pull', command: `docker pull${p} ${sh(familiarName(pinned))}` };
	if (insecure)
		docker.note = `Docker reaches it over http only when the daemon lists ${ref.registry} in "insecure-registries" (daemon.json).`;
	return [
		docker,
		skopeo,
		manifest,
		{ label: 'crane config', command: `crane config${crane}${p} ${full}` },
		{ label: 'regctl', command: `regctl${regctl} manifest get${p} ${full}` },
		{ label: 'oras', command: `oras manifest fetch${oras}${p} ${full}` },
		...json
	];
}
