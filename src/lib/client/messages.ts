/** Error codes from the core and the API, worded for people: what happened, then what to do. */
import type { ErrorCode } from '$lib/oci/errors';

export interface Explained {
	title: string;
	advice: string;
}

const TEXT: Record<ErrorCode, Explained> = {
	INVALID_REFERENCE: {
		title: 'That is not an image reference',
		advice: 'Write it as [registry/]repository[:tag][@sha256:digest], for example docker.io/library/alpine:3.20.'
	},
	INVALID_PLATFORM: {
		title: 'That platform is not readable',
		advice: 'Write it as os/architecture[/variant], for example linux/arm64/v8.'
	},
	INVALID_REQUEST: {
		title: 'The request was refused',
		advice: 'Check the reference and try again.'
	},
	UNAUTHORIZED: {
		title: 'This image needs credentials',
		advice:
			'The registry would not show it without credentials. The repository may be private, or the name may be misspelt (many registries answer "unauthorized" for names that do not exist).'
	},
	FORBIDDEN: {
		title: 'The registry refused access',
		advice: 'Your access does not cover this repository. Check the name, or ask its owner.'
	},
	BLOCKED_ADDRESS: {
		title: 'This registry address is blocked',
		advice: 'regscope does not reach loopback or private addresses unless its operator allows them (REGSCOPE_PRIVATE_REGISTRIES).'
	},
	NOT_FOUND: {
		title: 'Not found',
		advice: 'The registry has no such repository, tag or digest. Check the spelling, or pick one of the tags of the repository.'
	},
	NO_MATCHING_PLATFORM: {
		title: 'No image for that platform',
		advice: 'This is a multi-platform image without the platform asked for. Choose one of the platforms it has.'
	},
	METHOD_NOT_ALLOWED: {
		title: 'The API only answers reads',
		advice: 'regscope’s API is read-only: send GET (or HEAD) requests.'
	},
	TOO_MANY_REQUESTS: {
		title: 'The registry is limiting how often it may be asked',
		advice: 'Wait a minute and reload. Docker Hub, for one, limits anonymous pulls per address.'
	},
	DIGEST_MISMATCH: {
		title: 'Digest mismatch: the bytes received are not the ones named',
		advice:
			'Nothing from this image is shown, because it cannot be trusted. Reload to try again; if it persists, the registry or something between it and us is serving altered content: do not pull this image, and tell the registry operator.'
	},
	SIZE_MISMATCH: {
		title: 'Size mismatch: the registry sent a different amount of data than its descriptor says',
		advice:
			'Nothing from this image is shown, because it cannot be trusted. Reload to try again; if it persists, tell the registry operator and do not pull this image.'
	},
	INVALID_MANIFEST: {
		title: 'The manifest is not valid',
		advice: 'The registry sent a manifest regscope cannot read. It may be corrupt, or of a newer kind.'
	},
	INVALID_CONFIG: {
		title: 'The image config is not valid',
		advice: 'The config blob could not be read as an image config.'
	},
	INVALID_DOCUMENT: {
		title: 'The document is not valid',
		advice: 'A signature, attestation or SBOM could not be read in the format its media type names.'
	},
	UNSUPPORTED_MEDIA_TYPE: {
		title: 'Unsupported kind of manifest',
		advice: 'regscope reads OCI and Docker schema 2 manifests and indexes. This object is of another type.'
	},
	UNSUPPORTED_DIGEST: {
		title: 'Unsupported digest algorithm',
		advice: 'regscope checks sha256 and sha512 digests.'
	},
	MANIFEST_TOO_LARGE: {
		title: 'The manifest is too large',
		advice: 'regscope refuses manifests over 4 MiB to protect itself and you.'
	},
	BLOB_TOO_LARGE: {
		title: 'The config is too large',
		advice: 'regscope refuses config blobs this large.'
	},
	UPSTREAM_TOO_LARGE: {
		title: 'The registry sent more than regscope reads',
		advice: 'A tag or catalog page, or a token answer, was larger than this server accepts.'
	},
	INVALID_LAYER: {
		title: 'The layer is not a readable tar archive',
		advice: 'The message names the byte offset where reading stopped; the image itself may be damaged.'
	},
	UPSTREAM_ERROR: {
		title: 'The registry answered with an error',
		advice: 'Reload in a moment. If it persists, the registry may be down or not speak the registry API.'
	},
	UPSTREAM_TIMEOUT: {
		title: 'The registry took too long to answer',
		advice: 'Reload in a moment. The registry may be slow or unreachable from the regscope server.'
	},
	INTERNAL_ERROR: {
		title: 'Something went wrong in regscope',
		advice: 'This is a bug. Reload to try again.'
	},
	SERVER_BUSY: {
		title: 'The regscope server is busy',
		advice: 'Too much work is in flight on this server right now (this is regscope, not the registry). Reload in a few seconds.'
	},
	DEADLINE_EXCEEDED: {
		title: 'regscope gave up: this took too long',
		advice:
			'The server stopped the work when its time limit passed. Reload to try again; if it keeps happening the image may be unusually large or the registry slow.'
	},
	CALL_TOO_LARGE: {
		title: 'This image is too large for one request',
		advice:
			'The objects of this image add up to more than this regscope server holds for one request. Try a single platform, or use skopeo or crane directly.'
	}
};

export function explain(code: ErrorCode): Explained {
	return TEXT[code];
}

/** The parts of an error the wording needs (a RegscopeError, or its JSON body). */
export interface ErrorLike {
	code: ErrorCode;
	message: string;
}

/** The server's network failure texts (what it could not do), in the words the page uses. */
const NETWORK: [RegExp, string, string][] = [
	[
		/host not found \(DNS\)|DNS lookup failed/,
		'the name does not resolve',
		'Check the registry name for a typo; the regscope server could not find it in DNS.'
	],
	[/connection refused/, 'connection refused', 'Nothing answered on that port. Check the port, or whether the registry is running.'],
	[/connection reset|connection closed/, 'the connection was closed', 'The registry hung up before answering. Reload in a moment.'],
	[/host unreachable|network unreachable/, 'no route to it', 'The regscope server has no network path to this registry.']
];

/**
 * The wording for one error, from its code and, where the code alone would say the wrong thing, its
 * message: which network failure it was, how long the timeout was, whose credentials were refused,
 * whether a limit was this server's own.
 */
export function explainError(e: ErrorLike): Explained {
	const base = TEXT[e.code];
	const m = e.message;
	if (e.code === 'UPSTREAM_ERROR') {
		const reach = /could not reach registry (\S+)/.exec(m);
		const hit = reach ? NETWORK.find(([re]) => re.test(m)) : undefined;
		if (reach && hit) return { title: `Could not reach ${reach[1]}: ${hit[1]}`, advice: hit[2] };
	}
	if (e.code === 'UPSTREAM_TIMEOUT') {
		const host = /registry (\S+) did not answer/.exec(m)?.[1];
		const secs = /(\d+) s\b/.exec(m)?.[1];
		if (host) return { title: `${host} timed out${secs ? ` after ${secs} s` : ''}`, advice: base.advice };
	}
	if (e.code === 'UNAUTHORIZED' && /did not accept the credentials/.test(m)) {
		const user = /for user "([^"]*)"/.exec(m)?.[1];
		return {
			title: `The registry refused the credentials you gave${user ? ` for user ${user}` : ''}`,
			advice: 'Check the username and the password or token (a token needs read access to this repository), then save them again.'
		};
	}
	if (e.code === 'TOO_MANY_REQUESTS' && /^too many .* at once/.test(m)) {
		return {
			title: 'This regscope server is busy',
			advice: 'It limits how many requests it handles at once, and that limit was reached (not the registry’s). Try again in a few seconds.'
		};
	}
	if (e.code === 'NOT_FOUND') {
		const found = /:\s*(\S+) not found on (\S+)$/.exec(m);
		if (found && /repository|name unknown|NAME_UNKNOWN/i.test(m)) {
			return { title: `Not found: ${found[2]} has no repository ${found[1]?.replace(/[:@].*$/, '')}`, advice: base.advice };
		}
		if (found) return { title: `Not found: ${found[2]} has no ${found[1]}`, advice: base.advice };
	}
	return base;
}
