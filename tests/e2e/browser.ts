/**
 * Shared by the end-to-end tests: Debian's Chromium driven by playwright-core, pages opened on the
 * production build that the integration global setup started, screenshots under test-results/e2e/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from '../support/chromium';

export const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results', 'e2e');

export type Look = 'light' | 'dark' | 'phone';

async function context(browser: Browser, look: Look = 'light'): Promise<BrowserContext> {
	const ctx = await browser.newContext({
		viewport: look === 'phone' ? { width: 375, height: 812 } : { width: 1280, height: 900 },
		colorScheme: look === 'dark' ? 'dark' : 'light',
		deviceScaleFactor: 1
	});
	ctx.setDefaultTimeout(15_000);
	return ctx;
}

export interface Pages {
	/**
	 * Runs `fn` with a page in a fresh browser context (fresh storage and cookies: a new "tab" of a
	 * new visitor), and closes the context whether `fn` passes or throws.
	 */
	withPage<T>(fn: (page: Page, ctx: BrowserContext) => Promise<T>, look?: Look): Promise<T>;
}

/**
 * The e2e fixture: one Chromium for the calling test file, launched before its first test and always
 * closed after its last. Call it once, at the top level of the file.
 */
export function useBrowser(): Pages {
	let browser: Browser | undefined;
	beforeAll(async () => {
		browser = await launchChromium();
	});
	afterAll(async () => {
		await browser?.close();
	});
	return {
		async withPage(fn, look = 'light') {
			if (!browser) throw new Error('useBrowser: Chromium is not running (call useBrowser() at the top level of the test file)');
			const ctx = await context(browser, look);
			try {
				return await fn(await ctx.newPage(), ctx);
			} finally {
				await ctx.close();
			}
		}
	};
}

/** Collects uncaught page errors so a test can assert there were none. */
export function pageErrors(page: Page): string[] {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	return errors;
}

/**
 * Waits until the page's overall verdict is no longer "checking"; returns the verdict (`verified`,
 * `mismatch`, `failed`) and the line the page shows for it, as `verdict: line`. The page's own, drawn by its
 * JavaScript: not the early verdict of the server-rendered HTML, which the page replaces when it starts.
 */
export async function verdict(page: Page): Promise<string> {
	const status = page.locator('[data-testid="verify-status"]:not([data-verdict="checking"]):not([data-early-verdict])');
	await status.waitFor();
	// The code of the detail sections and the platform table loads beside the verification; once
	// verified, wait until they are drawn (an index shown as itself has no layers section at all).
	if ((await status.getAttribute('data-verdict')) === 'verified') {
		await page.waitForFunction(() => !document.querySelector('#layers[aria-busy="true"], #platforms[aria-busy="true"]'));
	}
	return `${await status.getAttribute('data-verdict')}: ${(await status.textContent()) ?? ''}`;
}

export async function shot(page: Page, name: string): Promise<void> {
	mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** `/r/<reference>` with an optional platform. */
export function permalink(appUrl: string, reference: string, platform?: string): string {
	return `${appUrl}/r/${reference}${platform ? `?platform=${platform}` : ''}`;
}
