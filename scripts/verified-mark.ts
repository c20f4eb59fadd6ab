/**
 * When a page showed its verdict, as the page itself saw it: an init script notes the first animation
 * frame after `[data-testid="verify-status"]` says "verified" (the frame that paints it), in ms since
 * navigation start. Unlike the time until Playwright sees the text, it does not depend on when the
 * page's main thread lets Playwright's polling run. Used by the bench and the probe, for both pages.
 */
import type { Page } from 'playwright-core';

export const VERIFIED_MARK = `
new MutationObserver((_, observer) => {
  const s = document.querySelector('[data-testid="verify-status"]');
  if (!s || !/verified/i.test(s.textContent || '')) return;
  observer.disconnect();
  window.__verifiedSeen = performance.now();
  requestAnimationFrame(() => { window.__verifiedFrame = performance.now(); });
}).observe(document, { subtree: true, childList: true, characterData: true });
`;

/** The in-page times (ms since navigation start): verdict in the DOM, and the frame that painted it. */
export async function verifiedMark(page: Page): Promise<{ seen: number; frame: number }> {
	for (let i = 0; i < 200; i++) {
		const m = await page.evaluate(() => {
			const w = window as unknown as { __verifiedSeen?: number; __verifiedFrame?: number };
			return w.__verifiedFrame === undefined ? null : { seen: w.__verifiedSeen!, frame: w.__verifiedFrame };
		});
		if (m) return m;
		await new Promise((r) => setTimeout(r, 25));
	}
	throw new Error('the page said "verified" but never painted a frame after it');
}
