/**
 * The registry's tag list (`{"name": …, "tags": […]}`), cleaned of what real registries put in
 * it: null entries (Nexus), digests (Artifactory) and anything that is not a valid tag.
 * The order is kept as the registry sent it, as skopeo's RepoTags does.
 */
import { RegscopeError } from './errors';
import { decodeJson } from './fields';
import { isValidTag } from './reference';

export interface TagList {
	name: string;
	tags: string[];
	/** How many entries were dropped as null, digest-like or invalid. */
	dropped: number;
}

function fail(problem: string): never {
	throw new RegscopeError('UPSTREAM_ERROR', `the registry's tag list ${problem}`);
}

export function parseTagList(bytes: Uint8Array): TagList {
	let untrusted: unknown;
	try {
		untrusted = decodeJson(bytes, 'tag list', 'UPSTREAM_ERROR');
	} catch (e) {
		// Say it is the tag list that is broken: the image itself may still be inspected.
		throw e instanceof RegscopeError ? new RegscopeError(e.code, `${e.message}; the tags cannot be shown`) : e;
	}
	if (typeof untrusted !== 'object' || untrusted === null || Array.isArray(untrusted)) {
		fail('is not a JSON object; the tags cannot be shown');
	}
	const { name, tags } = untrusted as Record<string, unknown>;
	if (tags != null && !Array.isArray(tags)) fail('has a "tags" field that is not an array');
	const entries: unknown[] = tags ?? [];
	// The tag grammar has no ':', so it also drops digests.
	const kept = entries.filter((t): t is string => typeof t === 'string' && isValidTag(t));
	return { name: typeof name === 'string' ? name : '', tags: kept, dropped: entries.length - kept.length };
}
