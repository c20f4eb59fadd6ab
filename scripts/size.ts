/**
 * `npm run size`: the JavaScript a permalink page loads, gzip'd, against the 60 KB budget.
 *
 * Builds first when there is no build/ (or with `--build`), starts Debian's registry with the test
 * fixtures and `node build/index.js` on free loopback ports, and opens the digest permalink of the
 * multi-platform fixture. Two figures:
 *  - static: the page's modulepreload files (link header or <head>) plus the inline script's imports, and
 *    everything they import statically (what SvelteKit loads before the page is interactive);
 *  - browser: every JS response Chromium actually received until the page was verified and its detail
 *    sections drawn (when /usr/bin/chromium exists), which also counts the lazily imported chunks.
 * gzip sizes are computed here (level 9) from the files in build/client. Exits 1 when the first figure is
 * over budget (the second includes the detail sections, loaded beside the verification).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { seedFixtures } from '../tests/fixtures/fixtures';
import { REPO_ROOT, startApp, type RunningApp } from '../tests/support/app';
import { startRegistry } from '../tests/support/registry';
import { VERIFIED_MARK, verifiedMark } from './verified-mark';
import { launchChromium } from '../tests/support/chromium';

const CLIENT = path.join(REPO_ROOT, 'build', 'client');
const BUDGET = 60 * 1024;
const CHROMIUM = '/usr/bin/chromium';

function gzipSize(urlPath: string): number {
	const file = path.join(CLIENT, decodeURIComponent(urlPath.split('?')[0] ?? ''));
	return gzipSync(readFileSync(file), { level: 9 }).length;
}

/** Static import specifiers of a built ES module (`import"./a.js"`, `from"./b.js"`), not dynamic ones. */
function staticImports(code: string): string[] {
	const out: string[] = [];
	for (const m of code.matchAll(/(?:\bimport|\bfrom)\s*["']([^"']+\.js)["']/g)) if (m[1]) out.push(m[1]);
	return out;
}

/** SvelteKit lists a page's modules as modulepreload in the `link` header (or in <head>) and imports its entries inline. */
function staticClosure(html: string, linkHeader: string, pageUrl: string): Set<string> {
	const seen = new Set<string>();
	const queue: string[] = [];
	const add = (href: string | undefined) => href && queue.push(new URL(href, pageUrl).pathname);
	for (const m of linkHeader.matchAll(/<([^>]+)>;\s*rel="modulepreload"/g)) add(m[1]);
	for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)) add(m[1]);
	for (const m of html.matchAll(/import\(\s*"([^"]+\.js)"\s*\)/g)) add(m[1]);
	while (queue.length > 0) {
		const p = queue.pop() ?? '';
		if (seen.has(p)) continue;
		seen.add(p);
		const code = readFileSync(path.join(CLIENT, p), 'utf8');
		for (const spec of staticImports(code)) queue.push(new URL(spec, `http://x${p}`).pathname);
	}
	return seen;
}

/** The JS responses until the verdict said verified, and until the details were drawn. */
async function browserJs(url: string): Promise<{ untilVerified: Set<string>; untilDetails: Set<string> }> {
	const browser = await launchChromium();
	try {
		const page = await browser.newPage();
		await page.addInitScript(VERIFIED_MARK);
		const js = new Set<string>();
		page.on('response', (r) => {
			const u = new URL(r.url());
			if (u.origin === new URL(url).origin && /javascript/.test(r.headers()['content-type'] ?? '')) js.add(u.pathname);
		});
		await page.goto(url);
		await page.locator('[data-testid="verify-status"][data-verdict="verified"]').waitFor({ timeout: 30_000 });
		// The scripts the page had started to load when it drew its verdict (Playwright sees the verdict
		// later, after some of what the page loads once it is painted).
		const { seen } = await verifiedMark(page);
		const before = await page.evaluate(
			(t) =>
				performance
					.getEntriesByType('resource')
					.filter((r) => r.startTime <= t)
					.map((r) => new URL(r.name).pathname),
			seen
		);
		const untilVerified = new Set([...js].filter((p) => before.includes(p)));
		await page.locator('#layers [data-testid]').first().waitFor({ timeout: 30_000 });
		await page.waitForLoadState('networkidle');
		return { untilVerified, untilDetails: js };
	} finally {
		await browser.close();
	}
}

function report(label: string, files: Set<string>): number {
	const rows = [...files].map((f) => [f, gzipSize(f)] as const).sort((a, b) => b[1] - a[1]);
	const total = rows.reduce((n, [, s]) => n + s, 0);
	console.log(`\n${label}: ${rows.length} files, ${(total / 1024).toFixed(1)} KB gzip`);
	for (const [f, s] of rows) console.log(`  ${(s / 1024).toFixed(1).padStart(6)} KB  ${f}`);
	return total;
}

async function main(): Promise<void> {
	if (process.argv.includes('--build') || !existsSync(path.join(REPO_ROOT, 'build', 'index.js'))) {
		const r = spawnSync('npx', ['vite', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
		if (r.status !== 0) throw new Error('the build failed');
	}
	const registry = await startRegistry({ schema1: true });
	let app: RunningApp | undefined;
	try {
		const multi = (await seedFixtures(registry.url))['oci-index'];
		const PAGE = `/r/${multi.ref.replace(/:[^:/]+$/, '')}@${multi.digest}`;
		app = await startApp();
		const base = app.url;
		const res = await fetch(base + PAGE);
		const html = await res.text();
		const closure = staticClosure(html, res.headers.get('link') ?? '', base + PAGE);
		const first = report(`static (modulepreload closure of ${PAGE})`, closure);
		if (existsSync(CHROMIUM)) {
			const seen = await browserJs(base + PAGE);
			const verified = report('browser (JS responses in Chromium until the verdict said verified)', seen.untilVerified);
			console.log(`\nJS the permalink loaded until its verdict: ${(verified / 1024).toFixed(1)} KB gzip`);
			const all = report('browser (JS responses in Chromium until the details are drawn)', seen.untilDetails);
			console.log(`\nall JS the permalink loaded, lazily loaded chunks included: ${(all / 1024).toFixed(1)} KB gzip`);
		}
		const verdict = first < BUDGET ? 'within' : 'OVER';
		console.log(`permalink JS before it is interactive: ${(first / 1024).toFixed(1)} KB gzip, ${verdict} the ${BUDGET / 1024} KB budget`);
		if (first >= BUDGET) process.exitCode = 1;
	} finally {
		await app?.stop();
		await registry.stop();
	}
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.message : e);
	process.exit(1);
});
