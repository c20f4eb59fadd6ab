/** Docker Hub style pull limits: what a registry reports, and which registries count pulls. */
import { LRUCache } from 'lru-cache';
import { header } from '../net/headers';
import type { UpstreamResponse } from '../net/http';

export interface RateLimit {
	limit?: number;
	remaining?: number;
	/** Window in seconds (`;w=21600`). */
	windowSeconds?: number;
}

/** Parses Docker Hub's `ratelimit-remaining: 76;w=21600` into its number and window. */
export function parseRateLimitHeader(v: string | null): { value: number; window?: number } | null {
	if (!v) return null;
	const m = /^\s*(\d{1,9})\s*(?:;\s*w\s*=\s*(\d{1,9}))?/.exec(v);
	if (!m) return null;
	return { value: Number(m[1]), ...(m[2] ? { window: Number(m[2]) } : {}) };
}

/** Registry origins that reported a pull rate limit: tags are resolved with HEAD there (HEAD is not counted). */
const countsPulls = new LRUCache<string, true>({ max: 1000 });

export function countsPullsAt(origin: string): boolean {
	return countsPulls.has(origin);
}

/** The limit an answer of `origin` reports (null when none), remembering that the origin counts pulls. */
export function observeRateLimit(res: UpstreamResponse, origin: string): RateLimit | null {
	const limit = parseRateLimitHeader(header(res.headers, 'ratelimit-limit'));
	const remaining = parseRateLimitHeader(header(res.headers, 'ratelimit-remaining'));
	if ((!limit && !remaining) || res.url.origin !== origin) return null;
	countsPulls.set(origin, true);
	const window = remaining?.window ?? limit?.window;
	return {
		...(limit ? { limit: limit.value } : {}),
		...(remaining ? { remaining: remaining.value } : {}),
		...(window !== undefined ? { windowSeconds: window } : {})
	};
}
