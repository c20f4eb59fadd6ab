/**
 * Image references, following distribution/reference (the grammar Docker, skopeo and containerd
 * share) and its Docker Hub normalization: `alpine` → `docker.io/library/alpine:latest`.
 */
import { RegscopeError } from './errors';
import type { Digest, Reference } from './model';

export type ReferencePart = 'registry' | 'repository' | 'tag' | 'digest' | 'reference';

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_LEGACY = 'index.docker.io';
const DOCKER_HUB_API = 'registry-1.docker.io';
const MAX_PATH_LENGTH = 255;

// Grammar fragments from distribution/reference regexp.go, composed below and anchored.
const pathComponent = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;

const DOMAIN = new RegExp(`^${host}(?::[0-9]+)?$`);
const PATH = new RegExp(`^${pathComponent}(?:/${pathComponent})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const REFERENCE_DIGEST = /^([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]{32,})$/;
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

function invalid(part: ReferencePart, input: string, message: string): RegscopeError {
	return new RegscopeError('INVALID_REFERENCE', message, { part, input });
}

/** Whether a tag is valid (1–128 of `[A-Za-z0-9_.-]`, not starting with `.` or `-`). */
export function isValidTag(tag: string): boolean {
	return TAG.test(tag);
}

/**
 * distribution's splitDockerDomain: the first component is a registry only when it cannot be a
 * repository path component (it has a `.`, a `:` or uppercase) or is `localhost`.
 */
function splitDomain(name: string): { registry: string; path: string } {
	const slash = name.indexOf('/');
	const first = name.slice(0, slash);
	if (slash < 0 || (first !== 'localhost' && !/[.:]/.test(first) && first.toLowerCase() === first)) {
		return { registry: DOCKER_HUB, path: name };
	}
	return {
		registry: first === DOCKER_HUB_LEGACY ? DOCKER_HUB : first,
		path: name.slice(slash + 1)
	};
}

function parseReferenceDigest(s: string, input: string): Digest {
	const match = REFERENCE_DIGEST.exec(s);
	if (!match) {
		throw invalid('digest', input, `digest "${s}" is not valid: write it as sha256: followed by 64 lowercase hex characters`);
	}
	const algorithm = match[1] ?? '';
	const hex = match[2] ?? '';
	const length = DIGEST_HEX_LENGTH[algorithm];
	if (length === undefined) {
		throw invalid(
			'digest',
			input,
			`digest algorithm "${algorithm}" cannot be verified by regscope; use the image's sha256 (or sha512) digest`
		);
	}
	if (hex.length !== length || !/^[a-f0-9]+$/.test(hex)) {
		throw invalid(
			'digest',
			input,
			`digest "${s}" is not valid: a ${algorithm} digest has exactly ${length} lowercase hex characters after "${algorithm}:"`
		);
	}
	return s as Digest;
}

/**
 * Parses what a person typed. Throws INVALID_REFERENCE whose `details.part` names the wrong
 * part. `name:tag@digest` is kept whole: the digest is what gets fetched, the tag is a label.
 */
export function parseReference(untrustedInput: string): Reference {
	const input = untrustedInput.trim();
	let rest = input.startsWith('docker://') ? input.slice('docker://'.length) : input;
	if (rest === '') {
		throw invalid('reference', input, 'the image reference is empty: enter one such as alpine:3.20 or ghcr.io/owner/image@sha256:…');
	}
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) {
		throw invalid('reference', input, `"${input}" is a URL, not an image reference: drop the scheme and write registry/repository:tag`);
	}
	if (/^[a-f0-9]{64}$/.test(rest)) {
		throw invalid(
			'reference',
			input,
			'a bare 64-character hex string is ambiguous (it looks like a local image ID): write repository@sha256:<hex> instead'
		);
	}

	let digest: Digest | undefined;
	const at = rest.indexOf('@');
	if (at >= 0) {
		digest = parseReferenceDigest(rest.slice(at + 1), input);
		rest = rest.slice(0, at);
	}

	let tag: string | undefined;
	const colon = rest.lastIndexOf(':');
	if (colon > rest.lastIndexOf('/')) {
		tag = rest.slice(colon + 1);
		rest = rest.slice(0, colon);
		if (!isValidTag(tag)) {
			throw invalid('tag', input, `tag "${tag}" is not valid: use 1 to 128 letters, digits, "_", "." or "-", not starting with "." or "-"`);
		}
	}

	const { registry, path: rawPath } = splitDomain(rest);
	if (!DOMAIN.test(registry)) {
		throw invalid(
			'registry',
			input,
			`registry "${registry}" is not a valid host name: write it as host or host:port, for example ghcr.io or localhost:5000`
		);
	}
	const path = registry === DOCKER_HUB && !rawPath.includes('/') ? `library/${rawPath}` : rawPath;
	if (path === '' || path === 'library/') {
		throw invalid('repository', input, `"${input}" has no repository name: write it as [registry/]repository[:tag]`);
	}
	if (path.toLowerCase() !== path) {
		throw invalid('repository', input, `repository name must be lowercase: write "${path.toLowerCase()}" instead of "${path}"`);
	}
	if (!PATH.test(path)) {
		throw invalid(
			'repository',
			input,
			`repository "${path}" is not valid: each /-separated part uses lowercase letters and digits, joined by ".", "_", "__" or dashes`
		);
	}
	if (path.length > MAX_PATH_LENGTH) {
		throw invalid('repository', input, `repository name is ${path.length} characters long; the limit is ${MAX_PATH_LENGTH}`);
	}

	return freeze({
		registry,
		repository: path,
		tag: tag === undefined && digest === undefined ? 'latest' : tag,
		digest
	});
}

/** Builds the frozen value object, leaving absent parts out rather than `undefined`. */
function freeze(parts: { registry: string; repository: string; tag?: string; digest?: Digest }) {
	const ref: { registry: string; repository: string; tag?: string; digest?: Digest } = {
		registry: parts.registry,
		repository: parts.repository
	};
	if (parts.tag !== undefined) ref.tag = parts.tag;
	if (parts.digest !== undefined) ref.digest = parts.digest;
	return Object.freeze(ref) as Reference;
}

function suffix(ref: Reference): string {
	return (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '');
}

/** Canonical form: `docker.io/library/alpine:3.20`, `…@sha256:…` or `…:3.20@sha256:…`. */
export function formatReference(ref: Reference): string {
	return repositoryName(ref) + suffix(ref);
}

/** `docker.io/library/alpine`: skopeo's `Name`. */
export function repositoryName(ref: Reference): string {
	return `${ref.registry}/${ref.repository}`;
}

/** What people type: `alpine:3.20`, `owner/image:1`, `ghcr.io/o/r:1`. */
export function familiarName(ref: Reference): string {
	if (ref.registry !== DOCKER_HUB) return formatReference(ref);
	const official = /^library\/[^/]+$/.test(ref.repository);
	return (official ? ref.repository.slice('library/'.length) : ref.repository) + suffix(ref);
}

/** The host the registry API is served from (Docker Hub's is not `docker.io`). */
export function apiHost(ref: Reference): string {
	return ref.registry === DOCKER_HUB ? DOCKER_HUB_API : ref.registry;
}

/** The same reference pinned to a digest; the tag, if any, stays as a label. */
export function withDigest(ref: Reference, digest: Digest): Reference {
	return freeze({ ...ref, digest });
}

/** What to ask the registry for: the digest when pinned, else the tag. */
export function targetOf(ref: Reference): string {
	return ref.digest ?? ref.tag ?? 'latest';
}

/** Just the repository (for tag listing and as the key of a RegistrySource). */
export function withoutTarget(ref: Reference): Reference {
	return freeze({ registry: ref.registry, repository: ref.repository });
}
