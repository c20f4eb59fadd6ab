/**
 * What a typed or linked string names: a whole registry, one repository, or one image (tag or digest).
 * The reference grammar alone cannot tell: `parseReference('localhost:5000')` reads a Docker Hub image
 * `library/localhost` with tag `5000`, and `fixtures/app` gains a `:latest` nobody asked for.
 */
import { RegscopeError } from './errors';
import type { Reference } from './model';
import { parseReference, withoutTarget } from './reference';

export type Classified =
	{ kind: 'registry'; registry: string } | { kind: 'repository'; ref: Reference } | { kind: 'image'; ref: Reference };

const DIGEST_ONLY = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const HOST_LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const PORT = '(?::[0-9]{1,5})?';
// Dotted names and IPv4 addresses, `localhost`, or a bracketed IPv6 address, each with an optional port.
const REGISTRY = new RegExp(`^(?:${HOST_LABEL}(?:\\.${HOST_LABEL})+${PORT}|localhost${PORT}|\\[[a-fA-F0-9:]+\\]${PORT})$`);

/**
 * Whether a bare name (no `/`) must be a registry. Docker Hub repository names have no dots and
 * `localhost` is a registry by distribution's own rule. A dotless `name:digits` stays an image
 * (`node:20`, `python:3` are Docker Hub tags, as docker reads them); write such a registry with a
 * trailing slash (`myhost:5000/`).
 */
export function isRegistryName(s: string): boolean {
	return REGISTRY.test(s) && !/:0*$/.test(s) && portInRange(s);
}

function portInRange(s: string): boolean {
	const m = /:([0-9]{1,5})$/.exec(s);
	return !m || Number(m[1]) <= 65535;
}

/** Classifies a reference-like string. Throws INVALID_REFERENCE (with a hint for a bare digest). */
export function classifyInput(untrusted: string): Classified {
	const input = untrusted.trim().replace(/^docker:\/\//i, '');
	if (DIGEST_ONLY.test(input)) {
		throw new RegscopeError(
			'INVALID_REFERENCE',
			`a digest needs a repository: write name@${input.slice(0, input.indexOf(':'))}:… (the repository the image is in, then @ and the digest)`,
			{ part: 'repository', input }
		);
	}
	const bare = input.endsWith('/') ? input.slice(0, -1) : input;
	if (input.endsWith('/') && !bare.includes('/') && bare !== '') {
		if (REGISTRY.test(bare) || /^[a-zA-Z0-9-]+:[0-9]{1,5}$/.test(bare)) return { kind: 'registry', registry: bare };
	}
	if (!input.includes('/') && isRegistryName(input)) return { kind: 'registry', registry: input };
	const ref = parseReference(bare);
	return explicitTarget(bare) ? { kind: 'image', ref } : { kind: 'repository', ref: withoutTarget(ref) };
}

/** Whether the text itself names a tag or digest (the parser fills in `latest` when it does not). */
function explicitTarget(s: string): boolean {
	if (s.includes('@')) return true;
	const colon = s.lastIndexOf(':');
	return colon > s.lastIndexOf('/');
}

/** The path segment that opens a registry's page; dotless `host:port` needs the trailing slash. */
export function registryPath(registry: string): string {
	return isRegistryName(registry) ? registry : `${registry}/`;
}
