/**
 * `npm run load [-- --seconds 15 --concurrency 48 --build --peak-mb 768 --rss-growth-mb 128]`: a bounded load test on loopback only.
 *
 * Starts Debian's registry with the fixtures, the misbehaving registry and the built app (built first when
 * build/index.js is missing or --build is given), then runs many concurrent inspections of the fixtures with
 * misbehaving cases mixed in (bad digests, oversized and never-answering manifests, 429s, HTML, redirect
 * loops, blocked redirects) and a hostile mix (tests/support/hostile-registry.ts: schema1 signature bombs,
 * chains of ~4 MiB manifests, endless 4 MiB tag pages, a redirect into another registry's catalog, a
 * manifest that never ends), each client from its own loopback address (127.0.0.2–127.0.0.65), for a fixed
 * time. Prints requests/s, answers by status and error code, latency percentiles and the app's RSS before,
 * at its peak (VmHWM) and at rest afterwards; fails if the app stopped answering or memory did not come back.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { seedFixtures } from '../tests/fixtures/fixtures';
import { buildApp, REPO_ROOT, startApp, type RunningApp } from '../tests/support/app';
import { startBadRegistry } from '../tests/support/bad-registry';
import { startHostileRegistry } from '../tests/support/hostile-registry';
import http from 'node:http';
import { startRegistry } from '../tests/support/registry';

function arg(name: string, fallback: number): number {
	const i = process.argv.indexOf(`--${name}`);
	const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
	return Number.isFinite(v) && v > 0 ? v : fallback;
}

const SECONDS = arg('seconds', 15);
const CONCURRENCY = arg('concurrency', 48);
const RSS_GROWTH_LIMIT_MB = arg('rss-growth-mb', 128);
const PEAK_LIMIT_MB = arg('peak-mb', 768);

function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
	const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return m ? Math.round(Number(m[1]) / 1024) : NaN;
}
const rssMb = (pid: number) => statusMb(pid, 'VmRSS');

/** One GET from `localAddress`, the whole body read (30 s cap). */
function get(url: string, agent: http.Agent, localAddress: string, proxy: boolean): Promise<{ status: number; body: Uint8Array }> {
	return new Promise((resolve, reject) => {
		const req = http.get(url, { agent, localAddress, headers: proxy ? { 'X-Registry-Proxy': '1' } : {}, timeout: 30_000 }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
			res.on('error', reject);
		});
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', reject);
	});
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
	const t0 = Date.now();
	const log = (m: string) => console.log(`[load ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
	if (process.argv.includes('--build') || !existsSync(path.join(REPO_ROOT, 'build', 'index.js'))) {
		log('building the app (npx vite build)…');
		await buildApp();
	}
	const registry = await startRegistry({ schema1: true });
	const bad = await startBadRegistry();
	const hostile = await startHostileRegistry({ catalogUrl: `${registry.url}/v2/_catalog` });
	const agents: http.Agent[] = [];
	let app: RunningApp | undefined;
	try {
		const fixtures = await seedFixtures(registry.url);
		log(`registry ${registry.host} seeded, bad registry ${bad.host}, hostile registry ${hostile.host}`);
		app = await startApp(
			{
				REGSCOPE_REQUEST_TIMEOUT_MS: '2000',
				REGSCOPE_OVERALL_TIMEOUT_MS: '5000',
				REGSCOPE_LOG_UPSTREAM: '0'
			},
			// As `npm start` runs it (scripts/start.js): glibc then gives memory back after a burst.
			{ likeNpmStart: true }
		);
		const appUrl = app.url;
		const pid = app.pid;

		const good = Object.values(fixtures).map((f) => `/api/inspect?ref=${encodeURIComponent(f.ref)}`);
		const misbehaving = [
			'bad/digest@' + bad.image.manifestDigest,
			'bad/config:v1',
			'bad/big:v1',
			'slow/img:v1',
			'rate/long:v1',
			'html/img:v1',
			'json/invalid:v1',
			'redir/loop:v1',
			'redir/private:v1',
			'good/img:v1'
		].map((r) => `/api/inspect?ref=${encodeURIComponent(`${bad.host}/${r}`)}`);
		const proxied = Object.values(fixtures)
			.filter((f) => 'digest' in f)
			.map((f) => {
				const at = f.ref.lastIndexOf(':');
				return `/api/registry/manifest?${new URLSearchParams({ ref: f.ref.slice(0, at), target: f.ref.slice(at + 1) })}`;
			});
		const h = (p: string, o: Record<string, string>) => `${p}?${new URLSearchParams(o)}`;
		const hostileMix = [
			h('/api/inspect', { ref: `${hostile.host}/bomb/s1:v1` }),
			h('/api/chain', { ref: `${hostile.host}/bomb/s1@${hostile.digests.bomb}` }),
			h('/api/registry/manifest', { ref: `${hostile.host}/bomb/s1`, target: hostile.digests.bomb }),
			h('/api/chain', { ref: `${hostile.host}/chain/deep:v1` }),
			h('/api/chain', { ref: `${hostile.host}/chain/deep@${hostile.digests.deep}` }),
			h('/api/chain', { ref: `${hostile.host}/chain/two:v1` }),
			h('/api/registry/tags', { ref: `${hostile.host}/tags/huge` }),
			h('/api/inspect', { ref: `${hostile.host}/redir/catalog:v1` }),
			h('/api/inspect', { ref: `${hostile.host}/drip/img:v1` }),
			'/%61pi/inspect?ref=alpine'
		];
		const paths = [...good, ...good, ...proxied, ...misbehaving, ...hostileMix];

		// Warm up once (fills caches the way a running server would have them).
		for (const p of good) await fetch(`${appUrl}${p}`).then((r) => r.arrayBuffer());
		const rssBefore = rssMb(pid);
		log(`app pid ${pid}, RSS ${rssBefore} MB; ${CONCURRENCY} concurrent clients for ${SECONDS} s over ${paths.length} paths`);

		const counts = new Map<string, number>();
		const latencies: number[] = [];
		let total = 0;
		let networkErrors = 0;
		const end = Date.now() + SECONDS * 1000;
		let next = 0;
		async function worker(i: number): Promise<void> {
			// Each client from its own loopback address: the per-client cap alone cannot hold them.
			const agent = new http.Agent({ keepAlive: true });
			agents.push(agent);
			const localAddress = `127.0.0.${2 + (i % 64)}`;
			while (Date.now() < end) {
				const p = paths[next++ % paths.length]!;
				const started = Date.now();
				try {
					const res = await get(`${appUrl}${p}`, agent, localAddress, p.startsWith('/api/registry/') || p.startsWith('/api/chain'));
					const { status, body } = res;
					let key = String(status);
					if (status >= 400) {
						try {
							key += ` ${(JSON.parse(new TextDecoder().decode(body)) as { error?: { code?: string } }).error?.code ?? '?'}`;
						} catch {
							key += ' (not JSON)';
						}
					}
					counts.set(key, (counts.get(key) ?? 0) + 1);
				} catch {
					networkErrors++;
				}
				latencies.push(Date.now() - started);
				total++;
			}
		}
		const started = Date.now();
		const sampler = setInterval(() => log(`${total} requests so far, RSS ${rssMb(pid)} MB`), 5000);
		await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => worker(i)));
		clearInterval(sampler);
		const elapsed = (Date.now() - started) / 1000;

		// The server must still answer a normal request after the storm.
		const after = await fetch(`${appUrl}${good[0]}`);
		await after.arrayBuffer();
		const peak = statusMb(pid, 'VmHWM');
		// Resting: the lowest RSS within 20 s of the run (the work is over; the server collects after a burst).
		let rssAfter = rssMb(pid);
		for (let i = 0; i < 40 && rssAfter - rssBefore > 64; i++) {
			await new Promise((r) => setTimeout(r, 500));
			rssAfter = Math.min(rssAfter, rssMb(pid));
		}
		latencies.sort((a, b) => a - b);

		console.log('');
		console.log(`requests:      ${total} in ${elapsed.toFixed(1)} s = ${(total / elapsed).toFixed(1)} requests/s`);
		console.log(`latency ms:    p50 ${percentile(latencies, 50)}  p95 ${percentile(latencies, 95)}  max ${latencies.at(-1) ?? 0}`);
		console.log('answers by status / error code:');
		for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(28)} ${n}`);
		console.log(`  ${'network errors'.padEnd(28)} ${networkErrors}`);
		console.log(
			`RSS:           ${rssBefore} MB before, peak ${peak} MB (limit ${PEAK_LIMIT_MB}), ${rssAfter} MB at rest after (limit +${RSS_GROWTH_LIMIT_MB} MB)`
		);
		console.log(`after the run: GET ${good[0]!.slice(0, 60)}… → HTTP ${after.status}`);

		const problems: string[] = [];
		if (after.status !== 200) problems.push('the app did not answer a good request after the run');
		if (networkErrors > 0) problems.push(`${networkErrors} requests got no HTTP answer`);
		if ([...counts.keys()].some((k) => k.startsWith('500'))) problems.push('some answers were 500 INTERNAL_ERROR');
		if (rssAfter - rssBefore > RSS_GROWTH_LIMIT_MB) problems.push(`RSS stayed ${rssAfter - rssBefore} MB above where it started`);
		if (peak > PEAK_LIMIT_MB) problems.push(`RSS peaked at ${peak} MB (limit ${PEAK_LIMIT_MB} MB)`);
		if (problems.length > 0) {
			console.error(`\nFAILED: ${problems.join('; ')}`);
			process.exitCode = 1;
		} else {
			console.log('\nOK: the server kept answering and memory stayed bounded');
		}
	} finally {
		await app?.stop();
		for (const a of agents) a.destroy();
		await hostile.close();
		await bad.close();
		await registry.stop();
	}
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
