/**
 * Where a warm digest permalink spends its time until `verified`, beside the minimal page
 * (bench-minimal.ts) on the same warm server: navigation milestones, each resource's start and end,
 * long tasks, and the CPU profile's self time by script and by function. Not part of `npm run bench`
 * (its figures are the bench's); this says why the ratio is what it is.
 *
 *   npx tsx scripts/bench-probe.ts [--runs=N] [--top=N]      (after `npm run build`)
 */
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { seedFixtures } from '../tests/fixtures/fixtures';
import { startApp } from '../tests/support/app';
import { startRegistry } from '../tests/support/registry';
import { launchChromium } from '../tests/support/chromium';
import { MINIMAL_PATH, minimalPage } from './bench-minimal';
import { VERIFIED_MARK, verifiedMark } from './verified-mark';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const RUNS = Number(args.get('runs') ?? 3);
const TOP = Number(args.get('top') ?? 12);

/** Records, in the page, every long task (and, with VERIFIED_MARK, when the verdict was painted). */
const INIT = `
window.__probe = { longtasks: [] };
new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__probe.longtasks.push([Math.round(e.startTime), Math.round(e.duration)]); })
  .observe({ type: 'longtask', buffered: true });
${VERIFIED_MARK}`;

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	hitCount?: number;
}

function selfTimes(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }) {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const perFn = new Map<string, number>();
	const perScript = new Map<string, number>();
	profile.samples.forEach((id, i) => {
		const n = byId.get(id)!;
		const us = profile.timeDeltas[i] ?? 0;
		const file = n.callFrame.url
			? path.basename(new URL(n.callFrame.url, 'http://x').pathname)
			: `(${n.callFrame.functionName || 'native'})`;
		const fn = `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
		perFn.set(fn, (perFn.get(fn) ?? 0) + us);
		perScript.set(file, (perScript.get(file) ?? 0) + us);
	});
	const top = (m: Map<string, number>) =>
		[...m]
			.sort((a, b) => b[1] - a[1])
			.slice(0, TOP)
			.map(([k, us]) => `    ${(us / 1000).toFixed(1).padStart(6)} ms  ${k}`)
			.join('\n');
	// What ran in each 25 ms since the profile began (about when navigation began), busiest script first.
	const buckets = new Map<number, Map<string, number>>();
	let t = 0;
	profile.samples.forEach((id, i) => {
		t += profile.timeDeltas[i] ?? 0;
		const n = byId.get(id)!;
		const file = n.callFrame.url
			? path.basename(new URL(n.callFrame.url, 'http://x').pathname)
			: `(${n.callFrame.functionName || 'native'})`;
		const b = Math.floor(t / 25_000);
		const m = buckets.get(b) ?? new Map<string, number>();
		m.set(file, (m.get(file) ?? 0) + (profile.timeDeltas[i] ?? 0));
		buckets.set(b, m);
	});
	const timeline = [...buckets]
		.sort((a, b) => a[0] - b[0])
		.map(
			([b, m]) =>
				`    ${String(b * 25).padStart(5)} ms: ${[...m]
					.filter(([k]) => k !== '((idle))')
					.sort((x, y) => y[1] - x[1])
					.slice(0, 3)
					.map(([k, us]) => `${k} ${(us / 1000).toFixed(0)}`)
					.join(', ')}`
		)
		.join('\n');
	return `  self time by script:\n${top(perScript)}\n  self time by function:\n${top(perFn)}\n  timeline (busiest per 25 ms, ms):\n${timeline}`;
}

async function probe(page: Page, cdp: CDPSession, url: string): Promise<string> {
	await cdp.send('Profiler.enable');
	await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
	await cdp.send('Profiler.start');
	const t0 = performance.now();
	await page.goto(url, { waitUntil: 'commit' });
	await page
		.locator('[data-testid="verify-status"]', { hasText: 'verified' })
		.waitFor({ timeout: 30_000 })
		.catch(async (e: unknown) => {
			throw new Error(`${url} did not reach "verified": ${(await page.content()).slice(0, 1500)}`, { cause: e });
		});
	const wall = performance.now() - t0;
	const mark = await verifiedMark(page);
	const { profile } = await cdp.send('Profiler.stop');
	const seen = await page.evaluate(() => {
		const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
		const p = (window as unknown as { __probe: { longtasks: [number, number][] } }).__probe;
		return {
			nav: {
				responseStart: nav.responseStart,
				responseEnd: nav.responseEnd,
				domInteractive: nav.domInteractive,
				domContentLoaded: nav.domContentLoadedEventEnd,
				load: nav.loadEventEnd
			},
			resources: performance
				.getEntriesByType('resource')
				.map((r) => [
					new URL(r.name).pathname.split('/').pop(),
					Math.round(r.startTime),
					Math.round((r as PerformanceResourceTiming).responseEnd)
				]),
			longtasks: p.longtasks
		};
	});
	const r = (n: number) => Math.round(n);
	const lines = [
		`  wall clock (goto → verified seen): ${r(wall)} ms; in the page: verdict at ${r(mark.seen)} ms, painted at ${r(mark.frame)} ms`,
		`  document: first byte ${r(seen.nav.responseStart)}, last byte ${r(seen.nav.responseEnd)}, interactive ${r(seen.nav.domInteractive)}, DOMContentLoaded ${r(seen.nav.domContentLoaded)}, load ${r(seen.nav.load)}`,
		`  resources (start → end ms): ${seen.resources.map(([n, s, e]) => `${n} ${s}→${e}`).join(', ')}`,
		`  long tasks (start+duration ms): ${seen.longtasks.map(([s, d]) => `${s}+${d}`).join(', ') || 'none'}`,
		selfTimes(profile as never)
	];
	return lines.join('\n');
}

async function main(): Promise<void> {
	const registry = await startRegistry({ schema1: true });
	const browser = await launchChromium();
	const app = await startApp({ REGSCOPE_LOG_UPSTREAM: '0' }, { likeNpmStart: true });
	try {
		const fixtures = await seedFixtures(registry.url);
		const multi = fixtures['oci-index'];
		const ref = `${multi.ref.replace(/:[^:/]+$/, '')}@${multi.digest}`;
		await fetch(`${app.url}/api/chain?ref=${encodeURIComponent(ref)}`, { headers: { 'X-Registry-Proxy': '1' } });
		for (let i = 0; i < RUNS; i++) {
			for (const [name, p] of [
				['permalink', `/r/${ref}`],
				['minimal', MINIMAL_PATH]
			] as const) {
				const ctx = await browser.newContext();
				const page = await ctx.newPage();
				await page.addInitScript(INIT);
				await page.route(`${app.url}${MINIMAL_PATH}`, (r) =>
					r.fulfill({ contentType: 'text/html; charset=utf-8', body: minimalPage(ref, multi.digest) })
				);
				const cdp = await ctx.newCDPSession(page);
				console.log(`${name}, visit ${i + 1}:\n${await probe(page, cdp, `${app.url}${p}`)}`);
				await ctx.close();
			}
		}
	} finally {
		await browser.close();
		await app.stop();
		await registry.stop();
	}
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
