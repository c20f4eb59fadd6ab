/**
 * The layer row of `npm run bench` (issue 12), on the 64 MiB `layers-big` fixture, loopback only:
 *
 * - the page's full check in Chromium (worker: digest + gunzip + diff_id + tar), navigation to
 *   `?layer=<digest>` → `verified`, timed by the page's own LayerRun (`data-elapsed-ms`), fresh context per run;
 * - the same layer worker started directly (fetch worker + layer worker + hash worker), without the page;
 * - where the time goes: a bare worker fetching the blob, then also gunzipping it, then also hashing blob
 *   and tar with WebCrypto (the real worker adds the tar reader and the listing);
 * - the same browser only downloading the same blob from the same endpoint into memory (`fetch` +
 *   `arrayBuffer`, `cache: 'no-store'`);
 * - the same work natively in Node (crypto sha256 + zlib gunzip + sha256), from memory and fetched from
 *   the registry;
 * - the server's RSS while streaming the layer to 10 clients at once.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createGunzip, gunzipSync } from 'node:zlib';
import { REPO_ROOT, startApp } from '../tests/support/app';
import type { ImageFixture } from '../tests/fixtures/fixtures';
import { launchChromium } from '../tests/support/chromium';
import type { Page } from 'playwright-core';

const MiB = 1024 * 1024;
const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export interface LayerBench {
	layerBytes: number;
	tarBytes: number;
	browserCheckMiBs: number;
	browserDownloadMiBs: number;
	ratio: number;
	workerMiBs: number;
	/** Bare worker: fetch only, + gunzip, + WebCrypto of blob and tar. */
	stageMiBs: { fetch: number; gunzip: number; hashed: number };
	nodeMemoryMiBs: number;
	nodeFetchedMiBs: number;
	serverRssBeforeMiB: number;
	serverRssPeakMiB: number;
	clients: number;
}

/** The built worker's URL path (Vite names it with a content hash): `layer` or `fetch`. */
function workerPath(buildDir: string, name: 'layer' | 'fetch'): string {
	const dir = path.join(buildDir, 'client', '_app', 'immutable', 'workers');
	const file = readdirSync(dir).find((f) => new RegExp(`^${name}\\.worker-.*\\.js$`).test(f));
	if (!file) throw new Error(`no ${name} worker in ${dir}: run npm run build`);
	return `/_app/immutable/workers/${file}`;
}

/** The app's layer worker and its fetch worker, started and linked by hand as the page does (run.svelte.ts). */
function timeWorker(page: Page, workers: { layer: string; fetch: string }, req: Record<string, unknown>): Promise<number> {
	return page.evaluate(
		({ workers, req }) =>
			new Promise<number>((resolve, reject) => {
				const w = new Worker(workers.layer, { type: 'module' });
				const f = new Worker(workers.fetch, { type: 'module' });
				const channel = new MessageChannel();
				const t0 = performance.now();
				w.onmessage = (ev: MessageEvent<{ type: string; check?: { verdict: string } }>) => {
					if (ev.data.type === 'progress') return;
					w.terminate();
					f.terminate();
					if (ev.data.check?.verdict === 'verified') resolve(performance.now() - t0);
					else reject(new Error(`layer worker: ${JSON.stringify(ev.data).slice(0, 300)}`));
				};
				w.onerror = (e) => reject(new Error(e.message));
				f.onerror = (e) => reject(new Error(e.message));
				const algorithm = String(req.digest).split(':')[0];
				f.postMessage({ type: 'start', url: req.url, headers: req.headers, algorithm, port: channel.port1 }, [channel.port1]);
				w.postMessage({ ...req, fetchPort: channel.port2 }, [channel.port2]);
			}),
		{ workers, req }
	);
}

/** A bare worker doing the first `stages` steps: 1 fetch, 2 + gunzip, 3 + WebCrypto of blob and tar. */
const STAGES_WORKER = `onmessage = async ({ data: { url, stages, size } }) => {
	const t0 = performance.now();
	const res = await fetch(url, { headers: { 'X-Registry-Proxy': '1' }, cache: 'no-store' });
	const blob = new Uint8Array(size);
	let at = 0;
	const tar = [];
	let tarBytes = 0;
	const ds = stages > 1 ? new DecompressionStream('gzip') : null;
	const writer = ds?.writable.getWriter();
	const drained = ds && (async () => {
		const r = ds.readable.getReader();
		for (;;) { const { done, value } = await r.read(); if (done) return; tar.push(value); tarBytes += value.byteLength; }
	})();
	const reader = res.body.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		blob.set(value, at);
		at += value.byteLength;
		if (writer) { await writer.ready; writer.write(value); }
	}
	if (writer) { await writer.close(); await drained; }
	if (stages > 2) {
		const joined = new Uint8Array(tarBytes);
		let o = 0;
		for (const c of tar) { joined.set(c, o); o += c.byteLength; }
		await Promise.all([crypto.subtle.digest('SHA-256', blob), crypto.subtle.digest('SHA-256', joined)]);
	}
	postMessage(performance.now() - t0);
}`;
/** Same origin as the app (its CSP allows only 'self' workers), answered by the bench itself. */
const STAGES_PATH = '/__bench/stages.worker.js';

function timeStages(page: Page, url: string, stages: 1 | 2 | 3, size: number): Promise<number> {
	return page.evaluate(
		({ worker, url, stages, size }) =>
			new Promise<number>((resolve, reject) => {
				const w = new Worker(worker);
				w.onmessage = (ev: MessageEvent<number>) => {
					w.terminate();
					resolve(ev.data);
				};
				w.onerror = (e) => reject(new Error(e.message));
				w.postMessage({ url, stages, size });
			}),
		{ worker: STAGES_PATH, url, stages, size }
	);
}

function rssMiB(pid: number): number {
	const s = readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024;
}

function fetchAll(url: string, headers: Record<string, string> = {}): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		http
			.get(url, { agent: false, headers }, (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${url}: HTTP ${res.statusCode}`))
				);
				res.on('error', reject);
			})
			.on('error', reject);
	});
}

/** digest + gunzip + diff_id, streamed from the registry with Node's own crypto and zlib. */
function nativeFetched(url: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const t0 = performance.now();
		http
			.get(url, { agent: false }, (res) => {
				const blob = createHash('sha256');
				const diff = createHash('sha256');
				const gunzip = createGunzip();
				res.on('data', (c: Buffer) => blob.update(c));
				gunzip.on('data', (c: Buffer) => diff.update(c));
				gunzip.on('end', () => {
					blob.digest();
					diff.digest();
					resolve(performance.now() - t0);
				});
				gunzip.on('error', reject);
				res.pipe(gunzip);
			})
			.on('error', reject);
	});
}

export async function benchLayer(opts: {
	buildDir: string;
	registryUrl: string;
	fixture: ImageFixture;
	runs: number;
	log: (s: string) => void;
}): Promise<LayerBench> {
	const { fixture, runs, log } = opts;
	const digest = fixture.layerDigests[0]!;
	const blobUrl = `${opts.registryUrl}/v2/${fixture.repository}/blobs/${digest}`;
	const blob = await fetchAll(blobUrl);
	const tarBytes = gunzipSync(blob).length;

	log('layer: native Node from memory and from the registry…');
	const mem: number[] = [];
	const fetched: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t0 = performance.now();
		createHash('sha256').update(blob).digest();
		createHash('sha256').update(gunzipSync(blob)).digest();
		mem.push(performance.now() - t0);
		fetched.push(await nativeFetched(blobUrl));
	}

	const clients = 10;
	const app = await startApp({ REGSCOPE_CLIENT_LAYER_STREAMS: String(clients), REGSCOPE_LOG_UPSTREAM: '0' }, { buildDir: opts.buildDir });
	const appUrl = app.url;
	try {
		const proxyPath = `/api/registry/blob?${new URLSearchParams({ ref: fixture.ref, digest, size: String(blob.length), layer: '1' })}`;
		const browser = await launchChromium();
		const workers = { layer: workerPath(opts.buildDir, 'layer'), fetch: workerPath(opts.buildDir, 'fetch') };
		const check: number[] = [];
		const download: number[] = [];
		const workerAlone: number[] = [];
		const stages: [number[], number[], number[]] = [[], [], []];
		const req = {
			type: 'check',
			url: proxyPath,
			headers: { 'X-Registry-Proxy': '1' },
			digest,
			size: blob.length,
			mediaType: fixture.layerMediaTypes[0],
			diffId: fixture.diffIds[0],
			maxContent: 0
		};
		// A fresh context per measurement: nothing comes from the HTTP cache (the blob's answer is immutable).
		const fresh = async <T>(f: (page: Page) => Promise<T>): Promise<T> => {
			const ctx = await browser.newContext();
			await ctx.route(`**${STAGES_PATH}`, (r) => r.fulfill({ contentType: 'text/javascript', body: STAGES_WORKER }));
			try {
				const page = await ctx.newPage();
				await page.goto(appUrl);
				return await f(page);
			} finally {
				await ctx.close();
			}
		};
		try {
			log('layer: Chromium full check vs download only…');
			for (let i = 0; i < runs + 1; i++) {
				const keep = i > 0;
				const alone = await fresh((page) => timeWorker(page, workers, req));
				for (const n of [1, 2, 3] as const) {
					const ms = await fresh((page) => timeStages(page, proxyPath, n, blob.length));
					if (keep) stages[n - 1]!.push(ms);
				}
				if (keep) {
					workerAlone.push(alone);
				}
				const ctx = await browser.newContext();
				const page = await ctx.newPage();
				await page.goto(`${appUrl}/r/${fixture.ref}?layer=${digest}`);
				const status = page.locator('[data-testid="layer-verify-status"][data-elapsed-ms]');
				await status.waitFor({ timeout: 120_000 });
				if ((await status.getAttribute('data-status')) !== 'verified') throw new Error(`layer check: ${await status.textContent()}`);
				const ms = Number(await status.getAttribute('data-elapsed-ms'));
				const dl = await page.evaluate(async (u) => {
					const t0 = performance.now();
					const res = await fetch(u, { headers: { 'X-Registry-Proxy': '1' }, cache: 'no-store' });
					const n = (await res.arrayBuffer()).byteLength;
					return { ms: performance.now() - t0, n };
				}, proxyPath);
				if (dl.n !== blob.length) throw new Error(`download-only read ${dl.n} of ${blob.length} bytes`);
				if (keep) {
					check.push(ms);
					download.push(dl.ms);
				}
				await ctx.close();
			}
		} finally {
			await browser.close();
		}

		log(`layer: server memory while streaming to ${clients} clients…`);
		const pid = app.pid;
		const before = rssMiB(pid);
		let peak = before;
		const timer = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 20);
		await Promise.all(Array.from({ length: clients }, () => fetchAll(`${appUrl}${proxyPath}`, { 'X-Registry-Proxy': '1' })));
		clearInterval(timer);
		peak = Math.max(peak, rssMiB(pid));

		const rate = (ms: number, bytes = blob.length) => bytes / MiB / (ms / 1000);
		const browserCheckMiBs = rate(median(check));
		const browserDownloadMiBs = rate(median(download));
		return {
			layerBytes: blob.length,
			tarBytes,
			browserCheckMiBs,
			browserDownloadMiBs,
			ratio: browserCheckMiBs / browserDownloadMiBs,
			workerMiBs: rate(median(workerAlone)),
			stageMiBs: { fetch: rate(median(stages[0])), gunzip: rate(median(stages[1])), hashed: rate(median(stages[2])) },
			nodeMemoryMiBs: rate(median(mem)),
			nodeFetchedMiBs: rate(median(fetched)),
			serverRssBeforeMiB: before,
			serverRssPeakMiB: peak,
			clients
		};
	} finally {
		await app.stop();
	}
}

export function layerTable(b: LayerBench): string[] {
	const f1 = (n: number) => n.toFixed(1);
	return [
		`| Layer check, ${f1(b.layerBytes / MiB)} MiB gzip layer (${f1(b.tarBytes / MiB)} MiB tar), MiB/s of compressed bytes | Figure |`,
		'|---|---:|',
		`| Chromium, full check in a worker (digest + gunzip + diff_id + tar) | ${f1(b.browserCheckMiBs)} MiB/s |`,
		`| Chromium, download only (same endpoint, into memory) | ${f1(b.browserDownloadMiBs)} MiB/s |`,
		`| full check ÷ download only (goal ≥ 0.6) | ${b.ratio.toFixed(2)}× |`,
		`| the layer worker alone (no page around it) | ${f1(b.workerMiBs)} MiB/s (${(b.workerMiBs / b.browserDownloadMiBs).toFixed(2)}×) |`,
		`| bare worker: fetch / + gunzip / + WebCrypto of blob and tar | ${f1(b.stageMiBs.fetch)} / ${f1(b.stageMiBs.gunzip)} / ${f1(b.stageMiBs.hashed)} MiB/s |`,
		`| Node crypto + zlib, from memory | ${f1(b.nodeMemoryMiBs)} MiB/s |`,
		`| Node crypto + zlib, fetched from the registry | ${f1(b.nodeFetchedMiBs)} MiB/s |`,
		`| server RSS before / peak while streaming to ${b.clients} clients | ${b.serverRssBeforeMiB.toFixed(0)} MiB / ${b.serverRssPeakMiB.toFixed(0)} MiB |`
	];
}

/** `npx tsx scripts/bench-layer.ts [--runs=N]`: only this row, on the current build/ and a fresh registry. */
async function standalone(): Promise<void> {
	const { seedFixtures } = await import('../tests/fixtures/fixtures');
	const { startRegistry } = await import('../tests/support/registry');
	const runs = Number(/^--runs=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--runs=')) ?? '')?.[1] ?? 5);
	const registry = await startRegistry();
	try {
		const fixtures = await seedFixtures(registry.url);
		const b = await benchLayer({
			buildDir: path.join(REPO_ROOT, 'build'),
			registryUrl: registry.url,
			fixture: fixtures['layers-big'],
			runs,
			log: (s) => console.error(`[bench] ${s}`)
		});
		console.log(layerTable(b).join('\n'));
	} finally {
		await registry.stop();
	}
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(REPO_ROOT, 'scripts', 'bench-layer.ts')) await standalone();
