/**
 * `npm run bench`: regscope against `skopeo inspect` on the same references, loopback only.
 *
 * Starts Debian's registry with the fixtures (tests/support helpers), a latency-injecting TCP proxy in
 * front of it (scripts/latency-proxy.ts, 25 ms each way by default), and the built app pointed at the
 * proxy. Then measures, medians of several runs:
 *
 * - API rows: cold by tag (single platform, multi-platform), cold by digest, warm by digest. regscope is
 *   one whole HTTP client request to `/api/inspect` on a fresh connection (like `curl`); cold means a
 *   freshly started, warmed-up app (see startBenchApp) with an empty cache, no pooled connection and no
 *   known challenge for the proxied registry. skopeo is the whole
 *   `skopeo inspect --tls-verify=false docker://…` command through the same proxy. Upstream requests:
 *   regscope's `X-Upstream-Requests` (cross-checked with the proxy's count), skopeo's counted by the proxy.
 * - Browser rows: navigation → `verified` on a digest permalink in Chromium, cold and warm server cache
 *   (a fresh browser context each time), the same for a minimal hand-written page doing the essential
 *   work (scripts/bench-minimal.ts) and the ratio of the two, and the gzip bytes of the JS the page loaded.
 *   Both pages are also timed in the page (scripts/verified-mark.ts): navigation start to the frame that
 *   painted the verdict, which does not wait on Playwright seeing it.
 * - Load row: the warm digest permalink's API (`/api/chain?ref=…@digest`) under autocannon
 *   (C connections, N seconds): requests/s, p50/p99, and the server's RSS before the load, its peak
 *   during it (sampled) and after an idle pause (--idle-seconds): "memory flat" as figures.
 *
 * - Layer row (scripts/bench-layer.ts): the browser's full layer check vs download only, Node natively,
 *   server memory while streaming a layer to 10 clients.
 *
 * Options: --delay=MS (one way, default 25), --runs=N (default 5), --load-seconds=S (default 10),
 * --concurrency=C (default 10), --idle-seconds=S (default 5), --no-build, --no-browser, --no-load, --no-layer, --json=FILE, --build-dir=PATH (with
 * --no-build: measure that build instead of ./build).
 */
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import http from 'node:http';
import { seedFixtures } from '../tests/fixtures/fixtures';
import { buildApp, REPO_ROOT, startApp, type RunningApp } from '../tests/support/app';
import { startRegistry } from '../tests/support/registry';
import { runSkopeo, skopeoInspectArgs } from '../tests/support/skopeo';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy';
import { MINIMAL_PATH, minimalPage } from './bench-minimal';
import { VERIFIED_MARK, verifiedMark } from './verified-mark';
import { benchLayer, layerTable, type LayerBench } from './bench-layer';
import { launchChromium } from '../tests/support/chromium';

const args = new Map(
	process.argv.slice(2).map((a) => {
		const [k, v] = a.replace(/^--/, '').split('=');
		return [k!, v ?? 'true'] as const;
	})
);
const DELAY = Number(args.get('delay') ?? 25);
const RUNS = Number(args.get('runs') ?? 5);
const LOAD_SECONDS = Number(args.get('load-seconds') ?? 10);
const CONCURRENCY = Number(args.get('concurrency') ?? 10);
const IDLE_SECONDS = Number(args.get('idle-seconds') ?? 5);
const log = (s: string) => console.error(`[bench] ${s}`);

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * The bench runs its own copy of build/ (under node_modules/.cache, so the app's packages still resolve),
 * so a concurrent `vite build` in the working tree cannot pull files from under it.
 */
const BUILD_COPY = path.join(REPO_ROOT, 'node_modules', '.cache', 'regscope-bench', 'build');

function copyBuild(): void {
	rmSync(BUILD_COPY, { recursive: true, force: true });
	// --build-dir=PATH measures another build (e.g. the previous commit's) with this bench, for before/after.
	cpSync(args.get('build-dir') ?? path.join(REPO_ROOT, 'build'), BUILD_COPY, { recursive: true });
	if (!existsSync(path.join(BUILD_COPY, 'index.js'))) throw new Error('build/ was incomplete while copying it; run again');
}

/** Set in main: an inspection straight at the registry (not through the proxy: another origin). */
let warmUpUrl = '';

/**
 * A fresh app process, started as `npm start` starts it (its node flags and malloc settings), whose JIT, hash-wasm and route modules are warm (one inspection straight at the
 * registry's own port, another origin than the proxy's) but whose cache, connection pool and challenge
 * memory for the proxied registry are empty: a long-running server meeting an image for the first time.
 */
async function startBenchApp(): Promise<RunningApp> {
	const app = await startApp({ REGSCOPE_LOG_UPSTREAM: '0' }, { buildDir: BUILD_COPY, likeNpmStart: true });
	if (warmUpUrl) {
		await get(`${app.url}/api/inspect?${new URLSearchParams({ ref: warmUpUrl })}`, false);
		await get(`${app.url}/api/chain?${new URLSearchParams({ ref: warmUpUrl })}`, false);
	}
	return app;
}

/** One whole client request on a fresh connection, like curl: ms, upstream count, status. */
/**
 * node:http, not undici: importing undici 7 next to Node 20's built-in fetch (used by the fixture seeder
 * and the test-bed helpers) breaks the latter.
 */
/** The page's proxy header: /api/chain refuses requests without it (see hooks.server.ts). */
const PROXY_HEADER = { 'X-Registry-Proxy': '1' };

function get(url: string, agent: http.Agent | false): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
	return new Promise((resolve, reject) => {
		const req = http.get(url, { agent, headers: PROXY_HEADER }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
			res.on('error', reject);
		});
		req.on('error', reject);
	});
}

async function clientRequest(url: string): Promise<{ ms: number; upstream: number; status: number; bytes: number }> {
	const t0 = performance.now();
	const res = await get(url, false);
	const ms = performance.now() - t0;
	const upstream = Number(res.headers['x-upstream-requests'] ?? NaN);
	if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`);
	return { ms, upstream, status: res.status, bytes: res.body.length };
}

async function skopeoRun(proxy: LatencyProxy, ref: string): Promise<{ ms: number; upstream: number }> {
	proxy.reset();
	const t0 = performance.now();
	await runSkopeo(skopeoInspectArgs(ref));
	const ms = performance.now() - t0;
	return { ms, upstream: proxy.requests().length };
}

interface ApiRow {
	name: string;
	ref: string;
	regscopeMs: number;
	skopeoMs: number;
	ratio: number;
	regscopeUpstream: number;
	proxySawRegscope: number;
	skopeoUpstream: number;
	skopeoRequests: string[];
}

async function apiRow(name: string, ref: string, proxy: LatencyProxy, warm: boolean): Promise<ApiRow> {
	const ours: { ms: number; upstream: number }[] = [];
	const proxied: number[] = [];
	let app = warm ? await startBenchApp() : null;
	const apiUrl = (a: RunningApp) => `${a.url}/api/inspect?${new URLSearchParams({ ref })}`;
	if (app) await clientRequest(apiUrl(app)); // warm the server cache
	for (let i = 0; i < RUNS + 1; i++) {
		if (!warm) app = await startBenchApp();
		proxy.reset();
		const r = await clientRequest(apiUrl(app!));
		if (i > 0) {
			ours.push(r);
			proxied.push(proxy.requests().length);
		}
		if (!warm) await app!.stop();
	}
	if (warm) await app!.stop();
	const theirs: { ms: number; upstream: number }[] = [];
	let skopeoRequests: string[] = [];
	await skopeoRun(proxy, ref); // warm-up (binary in page cache)
	for (let i = 0; i < RUNS; i++) {
		theirs.push(await skopeoRun(proxy, ref));
		skopeoRequests = proxy.requests();
	}
	const regscopeMs = median(ours.map((r) => r.ms));
	const skopeoMs = median(theirs.map((r) => r.ms));
	return {
		name,
		ref,
		regscopeMs,
		skopeoMs,
		ratio: skopeoMs / regscopeMs,
		regscopeUpstream: median(ours.map((r) => r.upstream)),
		proxySawRegscope: median(proxied),
		skopeoUpstream: median(theirs.map((r) => r.upstream)),
		skopeoRequests
	};
}

interface BrowserRow {
	coldMs: number;
	warmMs: number;
	/** The minimal hand-written page (bench-minimal.ts) on the same warm server, runs interleaved with warmMs. */
	minimalMs: number;
	/** The same visits timed in the page: navigation start to the frame that painted the verdict. */
	warmPaintMs: number;
	minimalPaintMs: number;
	jsFiles: number;
	jsRawBytes: number;
	jsGzipBytes: number;
}

async function browserRows(permalinkRef: string, pinned: string): Promise<BrowserRow> {
	const browser = await launchChromium();
	const cold: number[] = [];
	const warm: number[] = [];
	const minimal: number[] = [];
	const warmPaint: number[] = [];
	const minimalPaint: number[] = [];
	let js = { files: 0, raw: 0, gz: 0 };
	const visit = async (app: RunningApp, collect: boolean, path = `/r/${permalinkRef}`) => {
		const ctx = await browser.newContext();
		const page = await ctx.newPage();
		await page.addInitScript(VERIFIED_MARK);
		await page.route(`${app.url}${MINIMAL_PATH}`, (r) =>
			r.fulfill({ contentType: 'text/html; charset=utf-8', body: minimalPage(permalinkRef, pinned) })
		);
		const scripts: Promise<[string, Buffer | null]>[] = [];
		if (collect) {
			page.on('response', (r) => {
				if (r.request().resourceType() === 'script')
					scripts.push(
						r.body().then(
							(b) => [r.url(), b],
							() => [r.url(), null]
						)
					);
			});
		}
		const t0 = performance.now();
		// From the navigation to the verdict, not to the load event (which waits for every script the page
		// preloads, even when the verdict was painted before them).
		await page.goto(`${app.url}${path}`, { waitUntil: 'commit' });
		try {
			await page.locator('[data-testid="verify-status"]', { hasText: 'verified' }).waitFor({ timeout: 30_000 });
		} catch (e) {
			const text = (
				await page
					.locator('main')
					.textContent()
					.catch(() => '')
			)?.slice(0, 600);
			throw new Error(`the permalink did not reach "verified": ${text}`, { cause: e });
		}
		const ms = performance.now() - t0;
		const mark = await verifiedMark(page);
		const painted = mark.frame;
		if (collect) {
			// Only what the page had asked for when it drew its verdict (Playwright sees it later).
			const asked = await page.evaluate(
				(t) =>
					performance
						.getEntriesByType('resource')
						.filter((r) => r.startTime <= t)
						.map((r) => r.name),
				mark.seen
			);
			const bodies = (await Promise.all(scripts)).filter(([u]) => asked.includes(u)).flatMap(([, b]) => (b ? [b] : []));
			js = {
				files: bodies.length,
				raw: bodies.reduce((n, b) => n + b.length, 0),
				gz: bodies.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0)
			};
		}
		await ctx.close();
		return { ms, painted };
	};
	for (let i = 0; i < RUNS + 1; i++) {
		const app = await startBenchApp();
		const c = await visit(app, i === 0);
		const w = await visit(app, false);
		const m = await visit(app, false, MINIMAL_PATH);
		if (i > 0) {
			cold.push(c.ms);
			warm.push(w.ms);
			minimal.push(m.ms);
			warmPaint.push(w.painted);
			minimalPaint.push(m.painted);
		}
		await app.stop();
	}
	await browser.close();
	return {
		coldMs: median(cold),
		warmMs: median(warm),
		minimalMs: median(minimal),
		warmPaintMs: median(warmPaint),
		minimalPaintMs: median(minimalPaint),
		jsFiles: js.files,
		jsRawBytes: js.raw,
		jsGzipBytes: js.gz
	};
}

interface LoadRow {
	path: string;
	seconds: number;
	concurrency: number;
	requests: number;
	errors: number;
	rps: number;
	p50: number;
	p99: number;
	rssBeforeMiB: number;
	rssPeakMiB: number;
	rssAfterMiB: number;
	rssIdleMiB: number;
	idleSeconds: number;
	/** 1-minute load average at the end of the load: the figures are noisy on a shared machine. */
	loadAverage: number;
	upstreamDuringLoad: number;
}

/** The app's resident memory now, MiB. */
function rssMiB(pid: number): number {
	const s = readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024;
}

async function loadRow(ref: string, proxy: LatencyProxy): Promise<LoadRow> {
	const app = await startBenchApp();
	try {
		return await measureLoad(app, ref, proxy);
	} finally {
		await app.stop();
	}
}

async function measureLoad(app: { url: string; pid: number }, ref: string, proxy: LatencyProxy): Promise<LoadRow> {
	const pathQ = `/api/chain?${new URLSearchParams({ ref })}`;
	await clientRequest(`${app.url}${pathQ}`);
	const target = `${app.url}${pathQ}`;
	// A short warm-up of the JIT and the app's cache, then the measured run.
	await autocannon({ url: target, connections: CONCURRENCY, duration: 1, headers: PROXY_HEADER });
	proxy.reset();
	const rssBeforeMiB = rssMiB(app.pid);
	let rssPeakMiB = rssBeforeMiB;
	const sampler = setInterval(() => (rssPeakMiB = Math.max(rssPeakMiB, rssMiB(app.pid))), 50);
	const started = performance.now();
	const result = await autocannon({ url: target, connections: CONCURRENCY, duration: LOAD_SECONDS, headers: PROXY_HEADER });
	const elapsed = (performance.now() - started) / 1000;
	clearInterval(sampler);
	const rssAfterMiB = rssMiB(app.pid);
	rssPeakMiB = Math.max(rssPeakMiB, rssAfterMiB);
	const loadAverage = os.loadavg()[0]!;
	await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
	return {
		path: '/api/chain?ref=…@digest',
		seconds: elapsed,
		concurrency: CONCURRENCY,
		requests: result.requests.total,
		errors: result.errors + result.timeouts + result.non2xx,
		rps: result.requests.total / elapsed,
		p50: result.latency.p50,
		p99: result.latency.p99,
		rssBeforeMiB,
		rssPeakMiB,
		rssAfterMiB,
		rssIdleMiB: rssMiB(app.pid),
		idleSeconds: IDLE_SECONDS,
		loadAverage,
		upstreamDuringLoad: proxy.requests().length
	};
}

function machine(): string {
	const free = (() => {
		try {
			return execFileSync('free', ['-h'], { encoding: 'utf8' }).split('\n')[1]?.trim().replace(/\s+/g, ' ') ?? '';
		} catch {
			return '';
		}
	})();
	const skopeo = (() => {
		try {
			return execFileSync('skopeo', ['--version'], { encoding: 'utf8' }).trim();
		} catch {
			return 'skopeo ?';
		}
	})();
	return `nproc ${os.cpus().length} (${os.cpus()[0]?.model ?? '?'}), free -h: ${free}, node ${process.version}, ${skopeo}`;
}

const f1 = (n: number) => n.toFixed(1);
const f0 = (n: number) => n.toFixed(0);

async function main(): Promise<void> {
	const cleanup: (() => Promise<void>)[] = [];
	const onSignal = () => {
		void Promise.all(cleanup.map((c) => c().catch(() => undefined))).then(() => process.exit(130));
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	try {
		if (args.get('build') !== 'false' && !args.has('no-build')) {
			log('building the app (npx vite build)…');
			await buildApp();
		} else if (!existsSync(path.join(REPO_ROOT, 'build', 'index.js'))) {
			throw new Error('build/index.js is missing: run without --no-build');
		}
		copyBuild();
		const registry = await startRegistry({ schema1: true });
		cleanup.push(() => registry.stop());
		log(`registry ${registry.host}; seeding fixtures…`);
		const fixtures = await seedFixtures(registry.url);
		const proxy = await startLatencyProxy({ targetHost: '127.0.0.1', targetPort: Number(registry.host.split(':')[1]), delayMs: DELAY });
		cleanup.push(() => proxy.close());
		log(`latency proxy ${proxy.host} → ${registry.host}, ${DELAY} ms each way`);
		const via = (ref: string) => ref.replace(registry.host, proxy.host);
		warmUpUrl = fixtures['minimal-config'].ref;
		const single = fixtures['docker-v2'];
		const multi = fixtures['oci-index'];
		const byDigest = `${via(multi.ref).replace(/:[^:/]+$/, '')}@${multi.digest}`;

		const rows: ApiRow[] = [];
		log('cold by tag, single platform…');
		rows.push(await apiRow('cold by tag, single platform', via(single.ref), proxy, false));
		log('cold by tag, multi-platform…');
		rows.push(await apiRow('cold by tag, multi-platform (index)', via(multi.ref), proxy, false));
		log('cold by digest…');
		rows.push(await apiRow('cold by digest (index)', byDigest, proxy, false));
		log('warm by digest…');
		rows.push(await apiRow('warm by digest (index)', byDigest, proxy, true));

		let browser: BrowserRow | null = null;
		if (!args.has('no-browser')) {
			log('browser: permalink → verified…');
			browser = await browserRows(byDigest, multi.digest);
		}
		let load: LoadRow | null = null;
		if (!args.has('no-load')) {
			log(`load: ${LOAD_SECONDS} s at concurrency ${CONCURRENCY}…`);
			load = await loadRow(byDigest, proxy);
		}

		let layer: LayerBench | null = null;
		if (!args.has('no-layer')) {
			layer = await benchLayer({ buildDir: BUILD_COPY, registryUrl: registry.url, fixture: fixtures['layers-big'], runs: RUNS, log });
		}

		const out: string[] = [];
		out.push(`machine: ${machine()}`);
		out.push(`latency: ${DELAY} ms each way (round trip ${2 * DELAY} ms, +1 round trip per new connection); medians of ${RUNS} runs`);
		out.push('');
		out.push(
			'| Inspection | regscope /api/inspect | skopeo inspect | skopeo ÷ regscope | upstream requests regscope | upstream requests skopeo |'
		);
		out.push('|---|---:|---:|---:|---:|---:|');
		for (const r of rows) {
			out.push(
				`| ${r.name} | ${f0(r.regscopeMs)} ms | ${f0(r.skopeoMs)} ms | ${r.ratio.toFixed(2)}× | ${r.regscopeUpstream} | ${r.skopeoUpstream} |`
			);
		}
		if (browser) {
			out.push('');
			out.push('| Browser (Chromium, digest permalink, fresh context) | Figure |');
			out.push('|---|---:|');
			out.push(`| navigation → verified, cold server cache | ${f0(browser.coldMs)} ms |`);
			out.push(`| navigation → verified, warm server cache | ${f0(browser.warmMs)} ms |`);
			out.push(`| minimal hand-written page (same chain, WebCrypto, layer list), warm | ${f0(browser.minimalMs)} ms |`);
			out.push(`| **warm permalink ÷ minimal page** (goal ≤ 2) | **${(browser.warmMs / browser.minimalMs).toFixed(2)}×** |`);
			out.push(
				`| in the page, navigation start → frame that painted the verdict: permalink / minimal | ${f0(browser.warmPaintMs)} ms / ${f0(browser.minimalPaintMs)} ms (${(browser.warmPaintMs / browser.minimalPaintMs).toFixed(2)}×) |`
			);
			out.push(
				`| JS loaded until the verdict (cold visit): ${browser.jsFiles} files | ${browser.jsRawBytes} B raw / ${browser.jsGzipBytes} B gzip |`
			);
		}
		if (load) {
			out.push('');
			out.push(`| Load: ${load.path}, ${load.concurrency} concurrent, ${f1(load.seconds)} s | Figure |`);
			out.push('|---|---:|');
			out.push(`| requests/s | ${f0(load.rps)} (${load.requests} requests, ${load.errors} errors) |`);
			out.push(`| latency p50 / p99 | ${load.p50.toFixed(2)} ms / ${load.p99.toFixed(2)} ms |`);
			out.push(
				`| server RSS before / peak / at the end / after ${load.idleSeconds} s idle | ${f0(load.rssBeforeMiB)} / ${f0(load.rssPeakMiB)} / ${f0(load.rssAfterMiB)} / ${f0(load.rssIdleMiB)} MiB |`
			);
			out.push(`| upstream requests during the load | ${load.upstreamDuringLoad} |`);
			out.push(`| load average (1 min) at the end | ${load.loadAverage.toFixed(2)} |`);
		}
		if (layer) out.push('', ...layerTable(layer));
		out.push('');
		out.push('skopeo requests (last run of each row):');
		for (const r of rows) out.push(`  ${r.name}: ${r.skopeoRequests.join(', ')}`);
		out.push('regscope upstream count cross-check (requests the proxy saw): ' + rows.map((r) => `${r.proxySawRegscope}`).join(', '));
		console.log(out.join('\n'));
		const json = args.get('json');
		if (json) writeFileSync(json, JSON.stringify({ machine: machine(), delayMs: DELAY, runs: RUNS, rows, browser, load, layer }, null, 2));
	} finally {
		for (const c of cleanup.reverse()) await c().catch(() => undefined);
	}
}

await main();
