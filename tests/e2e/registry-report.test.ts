/**
 * What the permalink page's Verification section reports about how the registry was reached, and the
 * credentials panel's "remember for this tab":
 *
 * - the registry's Docker Hub style pull limit (`ratelimit-limit` / `ratelimit-remaining`, passed on by the
 *   server as `X-Registry-RateLimit-*`) is shown as "Registry pull limit: N remaining of M.";
 * - operator credentials (REGSCOPE_AUTH_FILE) that answered the registry's challenge are named
 *   ("Inspected with this server's credentials for <host>."); a registry that never challenges gets none;
 * - "remember for this tab" keeps the credentials in sessionStorage only (not localStorage, cookies or the
 *   URL): a reload is still verified, a new tab (new browser context) is UNAUTHORIZED again.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { buildSmallImage } from '../fixtures/fixtures';
import { startBadRegistry, type BadRegistry } from '../support/bad-registry';
import { useApp } from '../support/extra-app';
import { pushWithToken, startTokenRegistry, type TokenRegistry } from '../support/token-service';
import { pageErrors, permalink, shot, useBrowser, verdict } from './browser';

const appUrl = inject('appUrl');
const registry = inject('registry');
const fixtures = inject('fixtures');
const { withPage } = useBrowser();

const ALICE = 'alice';
const ALICE_PW = 'alice-Pa55:word';

let bad: BadRegistry;
let reg: TokenRegistry;
let authDir: string;
let authFile: string;

beforeAll(async () => {
	bad = await startBadRegistry();
	reg = await startTokenRegistry();
	await pushWithToken(reg, 'private/y', buildSmallImage(), 'v2');
	authDir = mkdtempSync(path.join(tmpdir(), 'regscope-auth-'));
	authFile = path.join(authDir, 'config.json');
	const basic = (u: string, p: string) => Buffer.from(`${u}:${p}`, 'utf8').toString('base64');
	writeFileSync(
		authFile,
		JSON.stringify({ auths: { [registry]: { auth: basic('nobody', 'ignored') }, [reg.host]: { auth: basic(ALICE, ALICE_PW) } } }),
		{ mode: 0o600 }
	);
}, 180_000);

afterAll(async () => {
	await reg?.stop();
	await bad?.close();
	if (authDir) rmSync(authDir, { recursive: true, force: true });
});

const app = useApp();
const operatorApp = useApp(() => ({ REGSCOPE_AUTH_FILE: authFile }));

describe('registry pull limit', () => {
	test("the registry's ratelimit headers are shown in the Verification section", async () => {
		await withPage(async (page) => {
			const errors = pageErrors(page);
			await page.goto(permalink(appUrl, `${bad.host}/limited/img:v1`));
			await verdict(page);
			expect(await page.getByTestId('verify-status').getAttribute('data-verdict')).toBe('verified');
			const limit = page.getByTestId('rate-limit');
			await limit.waitFor();
			expect((await limit.textContent())?.replace(/\s+/g, ' ').trim()).toBe('Registry pull limit: 76 remaining of 100.');
			expect(await page.getByTestId('operator-credentials').count()).toBe(0);
			await shot(page, 'registry-report-rate-limit');
			expect(errors).toEqual([]);
		});
	});

	test('a registry without ratelimit headers: no pull limit line', async () => {
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, `${bad.host}/good/img:v1`));
			await verdict(page);
			expect(await page.getByTestId('verify-status').getAttribute('data-verdict')).toBe('verified');
			expect(await page.getByTestId('rate-limit').count()).toBe(0);
		});
	});
});

describe('operator credentials (REGSCOPE_AUTH_FILE)', () => {
	test("a private image is verified with the server's credentials, and the page says so, naming the host", async () => {
		await withPage(async (page) => {
			const errors = pageErrors(page);
			await page.goto(permalink(operatorApp.url, `${reg.host}/private/y:v2`));
			await verdict(page);
			expect(await page.getByTestId('verify-status').getAttribute('data-verdict')).toBe('verified');
			const note = page.getByTestId('operator-credentials');
			await note.waitFor();
			expect((await note.textContent())?.replace(/\s+/g, ' ').trim()).toBe(`Inspected with this server's credentials for ${reg.host}.`);
			expect(await note.locator('code').textContent()).toBe(reg.host);
			expect(await page.getByTestId('error-message').count()).toBe(0);
			await shot(page, 'registry-report-operator-credentials');
			expect(errors).toEqual([]);
		});
	});

	test('the same image on a server without an auth file stays UNAUTHORIZED, with no such note', async () => {
		await withPage(async (page) => {
			await page.goto(permalink(app.url, `${reg.host}/private/y:v2`));
			await verdict(page);
			expect(await page.getByTestId('verify-status').getAttribute('data-verdict')).toBe('failed');
			await expect.poll(() => page.getByTestId('error-message').getAttribute('data-code')).toBe('UNAUTHORIZED');
			expect(await page.getByTestId('operator-credentials').count()).toBe(0);
		});
	});

	test('a registry that never challenges (the plain test registry): verified, credentials not used, no note', async () => {
		await withPage(async (page) => {
			await page.goto(permalink(operatorApp.url, fixtures['docker-v2'].ref));
			await verdict(page);
			expect(await page.getByTestId('verify-status').getAttribute('data-verdict')).toBe('verified');
			expect(await page.getByTestId('operator-credentials').count()).toBe(0);
		});
	});
});

describe('remember for this tab', () => {
	test('kept in sessionStorage only: a reload stays verified, a new tab is UNAUTHORIZED again', async () => {
		await withPage(async (page, ctx) => {
			const errors = pageErrors(page);
			const url = permalink(app.url, `${reg.host}/private/y:v2`);
			await page.goto(url);
			await verdict(page);
			await expect.poll(() => page.getByTestId('error-message').getAttribute('data-code')).toBe('UNAUTHORIZED');

			const panel = page.getByTestId('credentials-panel');
			await panel.locator('input[name="username"]').fill(ALICE);
			await panel.locator('input[name="secret"]').fill(ALICE_PW);
			await panel.locator('input[name="remember"]').check();
			await panel.getByRole('button', { name: 'Save' }).click();
			await page.locator('[data-testid="verify-status"][data-verdict="verified"]').waitFor();

			await page.reload();
			await verdict(page);
			expect(await page.getByTestId('verify-status').getAttribute('data-verdict')).toBe('verified');
			expect(await page.getByTestId('error-message').count()).toBe(0);
			await shot(page, 'registry-report-remembered');

			const stored = await page.evaluate(() => ({
				session: JSON.stringify(sessionStorage),
				local: JSON.stringify(localStorage),
				cookie: document.cookie
			}));
			expect(stored.session).toContain(ALICE_PW);
			expect(stored.local).not.toContain(ALICE_PW);
			expect(stored.cookie).not.toContain(ALICE_PW);
			expect(JSON.stringify(await ctx.cookies())).not.toContain(ALICE_PW);
			for (const s of [ALICE_PW, encodeURIComponent(ALICE_PW)]) expect(page.url()).not.toContain(s);
			expect(errors).toEqual([]);

			// A new browser context is a new tab: nothing remembered there.
			await withPage(async (fresh) => {
				await fresh.goto(url);
				await verdict(fresh);
				expect(await fresh.getByTestId('verify-status').getAttribute('data-verdict')).toBe('failed');
				await expect.poll(() => fresh.getByTestId('error-message').getAttribute('data-code')).toBe('UNAUTHORIZED');
				expect(await fresh.evaluate(() => JSON.stringify(sessionStorage))).not.toContain(ALICE_PW);
			});
		});
	});
});
