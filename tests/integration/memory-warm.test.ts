/**
 * Issue 14: thousands of warm `/api/chain` answers must not leave memory behind. Each request used to keep
 * its deadline's timer, and through it the request, alive for the whole 60 s timeout (net/deadline.ts).
 *
 * The app runs as `npm start` runs it (--expose-gc, so it collects on its own two seconds after a burst:
 * call-budget.ts) plus V8's --trace-gc, whose line for that collection ("testing": a gc() call) says when
 * it ran and the live heap after it. After each of two bursts, once that collection ran, the app's RSS is
 * read: a warm-up of 6,000 answers, then 12,000 more. Those deadlines were only weakly held, so a forced
 * collection frees them, but the heap grew to hold them meanwhile and RSS kept the growth: +127 MiB
 * here with AbortSignal.timeout, −4 MiB with the clearable deadline.
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { startApp, type RunningApp } from '../support/app';

const fixtures = inject('fixtures');
let app: RunningApp;

beforeAll(async () => {
	app = await startApp({ REGSCOPE_LOG_UPSTREAM: '0' }, { likeNpmStart: true, nodeArgs: ['--trace-gc'] });
}, 60_000);

afterAll(async () => {
	await app?.stop();
});

interface Collection {
	/** ms since the app's V8 started */
	at: number;
	liveMiB: number;
}

/** The app's own collections after a burst, in --trace-gc's words: `N ms: Mark-Compact A (B) -> LIVE (C) MB, … testing; …`. */
function collections(): Collection[] {
	const re = /(\d+) ms: Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB[^\n]*\btesting\b/g;
	return [...app.output().matchAll(re)].map((m) => ({ at: Number(m[1]), liveMiB: Number(m[2]) }));
}

/** The first of the app's own collections after `after` (it comes two quiet seconds after a burst). */
async function collectionAfter(after: number): Promise<Collection> {
	for (let waited = 0; waited < 30_000; waited += 250) {
		const next = collections().find((c) => c.at > after);
		if (next) return next;
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`the app did not collect after the burst (--expose-gc, call-budget.ts); its output:\n${app.output().slice(-2000)}`);
}

function rssMiB(): number {
	return Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${app.pid}/status`, 'utf8'))?.[1]) / 1024);
}

async function burst(url: string, amount: number): Promise<void> {
	const r = await autocannon({ url, connections: 10, amount, headers: { 'X-Registry-Proxy': '1' } });
	expect({ requests: r.requests.total, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts }).toEqual({
		requests: amount,
		non2xx: 0,
		errors: 0,
		timeouts: 0
	});
}

test('12,000 more warm /api/chain answers by digest leave memory where 6,000 left it', async () => {
	const f = fixtures['oci-index'];
	const ref = `${f.ref.replace(/:[^:/]+$/, '')}@${f.digest}`;
	const url = `${app.url}/api/chain?${new URLSearchParams({ ref })}`;
	// The first burst warms the cache, the JIT and the heap; the second is the one measured.
	await burst(url, 6000);
	const first = await collectionAfter(0);
	const rssFirst = rssMiB();
	await burst(url, 12_000);
	const second = await collectionAfter(first.at);
	const rssSecond = rssMiB();
	const figures = `live heap ${first.liveMiB} → ${second.liveMiB} MiB, RSS ${rssFirst} → ${rssSecond} MiB`;
	// Half the leak's growth: RSS also moves with the allocator's arenas (up to +24 MiB seen without a leak).
	expect(rssSecond - rssFirst, figures).toBeLessThan(64);
	// Nothing the requests left is strongly held either.
	expect(second.liveMiB - first.liveMiB, figures).toBeLessThan(8);
});
