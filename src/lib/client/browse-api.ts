/**
 * The browse pages' calls: `/api/catalog`, `/api/tags` and, for a group's details, `/api/inspect`. The
 * answers are JSON the server made (names, digests, dates), parsed here field by field; the images
 * themselves are verified when their permalinks are opened.
 */
import { errorFromBody, RegscopeError } from '$lib/oci/errors';
import { authHeadersFor } from './credentials.svelte';

type Fetch = typeof fetch;

async function getJson(
	url: string,
	what: string,
	host: string,
	signal?: AbortSignal,
	fetchFn: Fetch = fetch
): Promise<Record<string, unknown>> {
	let res: Response;
	try {
		res = await fetchFn(url, { headers: authHeadersFor(host), cache: 'no-store', signal });
	} catch (e) {
		if (signal?.aborted) throw e;
		throw new RegscopeError('UPSTREAM_ERROR', `${what}: could not reach the regscope server`);
	}
	let body: unknown = null;
	try {
		body = await res.json();
	} catch {
		/* not JSON: reported below */
	}
	if (!res.ok) throw errorFromBody(body, `${what}: the server answered HTTP ${res.status}`);
	if (typeof body !== 'object' || body === null) throw new RegscopeError('UPSTREAM_ERROR', `${what}: the answer is not JSON`);
	return body as Record<string, unknown>;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export interface CatalogAnswer {
	repositories: string[];
	next: string | null;
	warnings: string[];
}

export async function fetchCatalog(registry: string, last: string | null, signal?: AbortSignal): Promise<CatalogAnswer> {
	const q = new URLSearchParams({ registry, n: '100' });
	if (last) q.set('last', last);
	const body = await getJson(`/api/catalog?${q}`, 'repository catalog', registry, signal);
	return {
		repositories: strings(body.Repositories),
		next: typeof body.Next === 'string' ? body.Next : null,
		warnings: strings(body.Warnings)
	};
}

export interface TagsAnswer {
	tags: string[];
	truncated: boolean;
	warnings: string[];
}

export async function fetchTagNames(repository: string, signal?: AbortSignal): Promise<TagsAnswer> {
	const body = await getJson(`/api/tags?${new URLSearchParams({ ref: repository })}`, 'tag list', repository.split('/')[0] ?? '', signal);
	return { tags: strings(body.Tags), truncated: body.Truncated === true, warnings: strings(body.Warnings) };
}

/** tag → digest, or an error message for tags that could not be resolved. */
export async function resolveTags(
	repository: string,
	tags: string[],
	signal?: AbortSignal
): Promise<Map<string, { digest: string } | { error: string }>> {
	const q = new URLSearchParams({ ref: repository, resolve: '1', tags: tags.join(',') });
	const body = await getJson(`/api/tags?${q}`, 'tag digests', repository.split('/')[0] ?? '', signal);
	const out = new Map<string, { digest: string } | { error: string }>();
	for (const g of Array.isArray(body.Groups) ? (body.Groups as unknown[]) : []) {
		if (typeof g !== 'object' || g === null) continue;
		const { Digest, Tags, Error } = g as Record<string, unknown>;
		const message =
			typeof (Error as { message?: unknown } | undefined)?.message === 'string' ? (Error as { message: string }).message : 'not resolved';
		for (const t of strings(Tags)) out.set(t, typeof Digest === 'string' ? { digest: Digest } : { error: message });
	}
	return out;
}

export interface ImageDetails {
	created: string | null;
	/** Compressed layer bytes of the platform the server chose (null when unknown). */
	size: number | null;
	/** `os/arch[/variant]` of the image, or of every non-attestation entry of an index. */
	platforms: string[];
}

export async function fetchDetails(repository: string, digest: string, signal?: AbortSignal): Promise<ImageDetails> {
	const q = new URLSearchParams({ ref: `${repository}@${digest}`, tags: '0' });
	const body = await getJson(`/api/inspect?${q}`, 'image details', repository.split('/')[0] ?? '', signal);
	const entries = Array.isArray(body.Platforms) ? (body.Platforms as Record<string, unknown>[]) : [];
	const listed = entries.filter((p) => p && p.Attestation !== true && typeof p.Platform === 'string').map((p) => p.Platform as string);
	const own = [body.Os, body.Architecture, body.Variant].filter((x): x is string => typeof x === 'string' && x !== '').join('/');
	return {
		created: typeof body.Created === 'string' ? body.Created : null,
		size: typeof body.LayersSize === 'number' ? body.LayersSize : null,
		platforms: listed.length > 0 ? listed : own ? [own] : []
	};
}
