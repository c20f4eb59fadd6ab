/**
 * `GET /api/tags?ref=REPO[&sort=version|name][&resolve=1[&offset=&n=|&tags=a,b]]`: a repository's tags in
 * the order people read them, and with `resolve=1` the tags of one window (or the listed ones, as the
 * page asks for what it shows) grouped by the digest they point to.
 * Resolution asks the registry with HEAD (not a counted pull, no body), a few at a time, and reuses the
 * server cache's verified tag → digest answers; a registry that sends no Docker-Content-Digest on HEAD
 * has the manifest fetched (through the cache) and hashed here.
 */
import { computeDigest } from '$lib/oci/digest';
import { RegscopeError, isRegscopeError } from '$lib/oci/errors';
import type { Reference } from '$lib/oci/model';
import { parseReference, repositoryName, withoutTarget } from '$lib/oci/reference';
import { sortTags, type TagSort } from '$lib/oci/tag-order';
import { cachedRegistrySource, isCredentialed, repositoryKey } from '../cache/cached-source';
import { getCache } from '../cache/store';
import { operatorCredentials } from '../registry/credentials';
import { createRegistrySource, type RegistrySourceOptions } from '../registry/client';
import { json, type Answer, type ApiCall } from './answer';
import { flagParam, requireParam } from './respond';
import { getSettings } from '../settings';

export const RESOLVE_MAX = 100;
/** Tag resolutions in flight per call: a page of 100 tags must not become 100 parallel requests. */
const RESOLVE_CONCURRENCY = 4;

export interface TagsRequest {
	ref: Reference;
	sort: Exclude<TagSort, 'newest'>;
	resolve: boolean;
	offset: number;
	n: number;
	/** Exactly these tags to resolve (comma-separated: the tag grammar has no commas). */
	only?: string[];
}

function intParam(url: URL, name: string, fallback: number, max: number): number {
	const v = url.searchParams.get(name)?.trim();
	if (v === undefined || v === '') return fallback;
	if (!/^\d{1,7}$/.test(v)) throw new RegscopeError('INVALID_REQUEST', `the query parameter "${name}" must be a non-negative integer`);
	return Math.min(Number(v), max);
}

export function parseTagsQuery(url: URL): TagsRequest {
	const ref = withoutTarget(parseReference(requireParam(url, 'ref')));
	const sort = url.searchParams.get('sort')?.trim() || 'version';
	if (sort !== 'version' && sort !== 'name') {
		throw new RegscopeError('INVALID_REQUEST', 'the query parameter "sort" is version or name');
	}
	const only = url.searchParams
		.get('tags')
		?.split(',')
		.map((t) => t.trim())
		.filter((t) => t !== '');
	if (only && only.length > RESOLVE_MAX) {
		throw new RegscopeError('INVALID_REQUEST', `the query parameter "tags" lists more than ${RESOLVE_MAX} tags`);
	}
	return {
		ref,
		sort,
		resolve: flagParam(url, 'resolve', false),
		offset: intParam(url, 'offset', 0, 1_000_000),
		n: Math.max(1, intParam(url, 'n', RESOLVE_MAX, RESOLVE_MAX)),
		...(only && only.length > 0 ? { only } : {})
	};
}

export interface TagGroup {
	Digest: string | null;
	Tags: string[];
	/** Why the tags of a group without a digest could not be resolved. */
	Error?: { code: string; message: string };
}

type Opts = Pick<RegistrySourceOptions, 'credentials' | 'report'>;

/** Runs `fn` over `items`, at most `limit` at a time, results in input order. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
	const out: R[] = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const i = next++;
			out[i] = await fn(items[i] as T);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return out;
}

async function resolveAll(ref: Reference, tags: string[], opts: Opts, signal: AbortSignal): Promise<TagGroup[]> {
	const settings = getSettings();
	const anonymous = !isCredentialed(opts) && !operatorCredentials(settings.authFile, ref.registry);
	const cache = getCache();
	const key = repositoryKey(ref, settings);
	const plain = createRegistrySource(ref, { ...opts, signal });
	const cached = cachedRegistrySource(ref, { ...opts, signal });
	const resolve = async (tag: string): Promise<string | RegscopeError> => {
		try {
			const known = anonymous ? cache.getTag(`${key}/manifests/${tag}`) : undefined;
			if (known) return known;
			const head = await plain.headDigest?.(tag);
			if (head) return head;
			return await computeDigest((await cached.manifest(tag)).bytes, 'sha256');
		} catch (e) {
			if (isRegscopeError(e)) return e;
			throw e;
		}
	};
	const results = await pool(tags, RESOLVE_CONCURRENCY, resolve);
	const groups: TagGroup[] = [];
	const byDigest = new Map<string, TagGroup>();
	results.forEach((r, i) => {
		const tag = tags[i] as string;
		if (typeof r !== 'string') {
			groups.push({ Digest: null, Tags: [tag], Error: { code: r.code, message: r.message } });
			return;
		}
		const g = byDigest.get(r);
		if (g) g.Tags.push(tag);
		else {
			const group = { Digest: r, Tags: [tag] };
			byDigest.set(r, group);
			groups.push(group);
		}
	});
	return groups;
}

export async function tagsAnswer(call: ApiCall): Promise<Answer> {
	const req = parseTagsQuery(call.url);
	const opts: Opts = { credentials: call.credentials, report: call.report };
	const signal = call.signal;
	const listing = await cachedRegistrySource(req.ref, { ...opts, signal }).tags();
	const tags = sortTags(listing.tags, req.sort);
	const body: Record<string, unknown> = { Repository: repositoryName(req.ref), Tags: tags };
	if (listing.truncated) body.Truncated = true;
	if (listing.warnings.length > 0) body.Warnings = listing.warnings;
	if (req.resolve) {
		// Listed tags are resolved only when the repository has them: nothing else is asked of the registry.
		const known = new Set(tags);
		const window = req.only ? req.only.filter((t) => known.has(t)) : tags.slice(req.offset, req.offset + req.n);
		body.Offset = req.offset;
		body.Groups = await resolveAll(req.ref, window, opts, signal);
	}
	return json(body, 'no-store');
}
