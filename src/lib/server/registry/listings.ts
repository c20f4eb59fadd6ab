/**
 * The registry-wide and per-subject listings: one `/v2/_catalog` page (its own token scope), and the
 * referrers API's pages for a subject digest. Bytes as received; the core parses them.
 */
import { RegscopeError } from '$lib/oci/errors';
import { parseCatalog } from '$lib/oci/catalog';
import type { UntrustedObject } from '$lib/oci/model';
import { header, headerAll } from '../net/headers';
import type { UpstreamResponse } from '../net/http';
import { catalogRefused, registryError } from './errors';
import { nextLink } from './link';
import type { Session } from './session';
import type { Limits } from '../settings';

export interface CatalogPage {
	repositories: string[];
	/** The `last` to ask for the next page (from the `Link` header), or null at the end. */
	next: string | null;
	/** How many entries were not valid repository names. */
	dropped: number;
}

/** One page of a referrers API answer (`GET /v2/<name>/referrers/<digest>`), bytes as received. */
export interface ReferrersAnswer {
	/** false when the registry answered 404: it has no referrers API (the fallback tag is then the way). */
	supported: boolean;
	pages: UntrustedObject[];
	/** `OCI-Filters-Applied` named artifactType (on every page). */
	filtered: boolean;
	/** Pages were left unread (too many, or a next link to another host). */
	truncated: boolean;
}

export const STRICT_DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function untrusted(res: UpstreamResponse): UntrustedObject {
	return {
		bytes: res.body,
		contentType: header(res.headers, 'content-type'),
		dockerContentDigest: header(res.headers, 'docker-content-digest')
	};
}

export async function catalogPage(session: Session, limits: Limits, page: { n: number; last?: string }): Promise<CatalogPage> {
	const query = new URLSearchParams({ n: String(page.n) });
	if (page.last) query.set('last', page.last);
	// The catalog needs its own token scope; a registry that does not grant it anonymously answers 401.
	const res = await session.send(
		session.build(`/v2/_catalog?${query}`),
		{
			accept: 'application/json',
			maxBytes: limits.tagPageBytes,
			tooLarge: 'UPSTREAM_TOO_LARGE',
			what: `a catalog page of ${session.registry}`,
			template: '/v2/_catalog'
		},
		'registry:catalog:*'
	);
	if (res.status !== 200) throw catalogRefused(session.registry, res, session.credentials !== undefined);
	const list = parseCatalog(res.body);
	const next = nextLink(headerAll(res.headers, 'link'), res.url)?.searchParams.get('last') ?? null;
	const last = list.repositories.at(-1);
	// A next page is followed only by its `last` name, on this registry, and only forward.
	return {
		repositories: list.repositories,
		next: next && next.length <= 255 && (!last || next >= last) && next !== page.last ? next : null,
		dropped: list.dropped
	};
}

export async function referrerPages(
	session: Session,
	limits: Limits,
	digest: string,
	artifactType?: string,
	maxPages = 10
): Promise<ReferrersAnswer> {
	if (!STRICT_DIGEST.test(digest)) throw new RegscopeError('INVALID_REQUEST', 'the referrers subject is not a sha256/sha512 digest');
	const { repo } = session;
	const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
	let url: URL | null = session.build(`/v2/${repo}/referrers/${digest}${query}`);
	const answer: ReferrersAnswer = { supported: true, pages: [], filtered: true, truncated: false };
	const seen = new Set<string>();
	while (url) {
		if (answer.pages.length >= maxPages || seen.has(url.href)) {
			answer.truncated = true;
			break;
		}
		seen.add(url.href);
		const res = await session.send(url, {
			accept: 'application/vnd.oci.image.index.v1+json',
			maxBytes: limits.manifestBytes,
			tooLarge: 'MANIFEST_TOO_LARGE',
			what: `referrers of ${repo}@${digest}`,
			template: '/v2/<name>/referrers/<digest>'
		});
		if (res.status === 404 && answer.pages.length === 0) return { ...answer, supported: false, filtered: false };
		if (res.status !== 200) throw registryError(res, { ...session, what: 'manifest', target: digest });
		answer.pages.push(untrusted(res));
		const applied = header(res.headers, 'oci-filters-applied') ?? '';
		if (!applied.split(',').some((f) => f.trim() === 'artifactType')) answer.filtered = false;
		const next = nextLink(headerAll(res.headers, 'link'), res.url);
		if (next && (next.protocol !== res.url.protocol || next.host !== res.url.host)) {
			answer.truncated = true;
			break;
		}
		url = next;
	}
	return answer;
}
