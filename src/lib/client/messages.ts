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
			'The registry refused an anonymous pull. The repository may be private, or the name may be misspelt (many registries answer "unauthorized" for names that do not exist).'
	},
	FORBIDDEN: {
		title: 'The registry refused access',
		advice: 'Your access does not cover this repository. Check the name, or ask its owner.'
	},
	BLOCKED_ADDRESS: {
		title: 'This registry address is blocked',
		advice:
			'regscope does not reach loopback or private addresses unless its operator allows them (REGSCOPE_PRIVATE_REGISTRIES).'
	},
	NOT_FOUND: {
		title: 'Not found',
		advice: 'The registry has no such repository, tag or digest. Check the spelling, or pick one of the tags of the repository.'
	},
	NO_MATCHING_PLATFORM: {
		title: 'No image for that platform',
		advice: 'This is a multi-platform image without the platform asked for. Choose one of the platforms it has.'
	},
	TOO_MANY_REQUESTS: {
		title: 'The registry is rate-limiting us',
		advice: 'Wait a minute and reload. Docker Hub limits anonymous pulls per address.'
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
	}
};

export function explain(code: ErrorCode): Explained {
	return TEXT[code];
}

/** true for the codes that mean "the bytes did not match", which the page shows as a mismatch. */
export function isMismatch(code: ErrorCode): boolean {
	return code === 'DIGEST_MISMATCH' || code === 'SIZE_MISMATCH';
}
