/**
 * A repository's tag list, page by page (`Link: <…>; rel="next"`), within the server's caps: pages, bytes
 * of all pages together, tags. A next page on another host or scheme, or one seen before, is not followed.
 */
import { parseTagList } from '$lib/oci/tags';
import { untrustedText } from '$lib/oci/text';
import { headerAll } from '../net/headers';
import { registryError } from './errors';
import { nextLink } from './link';
import type { Session } from './session';
import type { Limits } from '../settings';

export interface TagListing {
	tags: string[];
	truncated: boolean;
	warnings: string[];
}

export async function listTags(session: Session, limits: Limits): Promise<TagListing> {
	const { repo } = session;
	const seen = new Set<string>();
	const tags = new Set<string>();
	const warnings: string[] = [];
	let truncated = false;
	let dropped = 0;
	let pages = 0;
	let received = 0;
	let url: URL | null = session.build(`/v2/${repo}/tags/list`);
	pages: while (url) {
		if (pages >= limits.tagPages) {
			truncated = true;
			warnings.push(`the tag list was cut after ${limits.tagPages} pages`);
			break;
		}
		// A total budget, not just a page count: 100 full pages would be 400 MiB for one listing.
		if (received + limits.tagPageBytes > limits.tagListBytes) {
			truncated = true;
			warnings.push(
				`the tag list was cut after ${pages} pages (${received} bytes; this server reads at most ${limits.tagListBytes} bytes of tag pages per listing)`
			);
			break;
		}
		seen.add(url.href);
		const res = await session.send(url, {
			accept: 'application/json',
			maxBytes: limits.tagPageBytes,
			tooLarge: 'UPSTREAM_TOO_LARGE',
			what: `a tag list page of ${repo}`,
			template: '/v2/<name>/tags/list'
		});
		if (res.status !== 200) throw registryError(res, { ...session, what: 'tags', target: '' });
		pages++;
		received += res.body.byteLength;
		const page = parseTagList(res.body);
		dropped += page.dropped;
		for (const t of page.tags) {
			if (tags.size >= limits.tags) {
				truncated = true;
				warnings.push(`the tag list was cut at ${limits.tags} tags`);
				break pages;
			}
			tags.add(t);
		}
		const next = nextLink(headerAll(res.headers, 'link'), res.url);
		if (!next) break;
		if (next.protocol !== res.url.protocol || next.host !== res.url.host) {
			truncated = true;
			warnings.push(
				`the tag list's next page points to another host or scheme (${next.protocol}//${untrustedText(next.host, 100)}); not followed`
			);
			break;
		}
		if (seen.has(next.href)) {
			truncated = true;
			warnings.push('the tag list pagination repeats a page; stopped');
			break;
		}
		url = next;
	}
	if (dropped > 0) warnings.push(`${dropped} invalid tag entr${dropped === 1 ? 'y was' : 'ies were'} dropped`);
	return { tags: [...tags], truncated, warnings };
}
