/**
 * The credentials panel against a token-auth registry (the real distribution registry with `auth: token`
 * and the tests' token service, tests/support/token-service.ts): a private image shows UNAUTHORIZED,
 * the panel takes a username and password, and the page checks again and says `verified`. The
 * password is never in the page's address, and without "remember for this tab" not in sessionStorage.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildSmallImage } from '../fixtures/fixtures';
import { useApp } from '../support/extra-app';
import { pushWithToken, startTokenRegistry, type TokenRegistry } from '../support/token-service';
import { pageErrors, permalink, shot, useBrowser, verdict } from './browser';

const ALICE = 'alice';
const ALICE_PW = 'alice-Pa55:word';

let reg: TokenRegistry;

beforeAll(async () => {
	reg = await startTokenRegistry();
	await pushWithToken(reg, 'private/y', buildSmallImage(), 'v2');
}, 180_000);

afterAll(async () => {
	await reg?.stop();
});

const app = useApp();
const { withPage } = useBrowser();

describe('credentials panel', () => {
	test('a private image: UNAUTHORIZED, then the panel, then verified; the password stays out of the URL', async () => {
		await withPage(async (page) => {
			const errors = pageErrors(page);
			await page.goto(permalink(app.url, `${reg.host}/private/y:v2`));
			await verdict(page);
			expect(await page.getByTestId('verify-status').getAttribute('data-verdict')).toBe('failed');
			await expect.poll(() => page.getByTestId('error-message').getAttribute('data-code')).toBe('UNAUTHORIZED');

			const panel = page.getByTestId('credentials-panel');
			expect(await panel.getAttribute('open')).not.toBeNull();
			await panel.locator('input[name="username"]').fill(ALICE);
			await panel.locator('input[name="secret"]').fill(ALICE_PW);
			expect(await panel.locator('input[name="secret"]').getAttribute('type')).toBe('password');
			await shot(page, 'credentials-unauthorized-phone');
			await panel.getByRole('button', { name: 'Save' }).click();

			await page.locator('[data-testid="verify-status"][data-verdict="verified"]').waitFor();
			expect(await page.getByTestId('error-message').count()).toBe(0);
			await shot(page, 'credentials-verified-phone');
			for (const s of [ALICE_PW, encodeURIComponent(ALICE_PW)]) expect(page.url()).not.toContain(s);
			expect(await page.evaluate(() => JSON.stringify(sessionStorage) + JSON.stringify(localStorage) + document.cookie)).not.toContain(
				ALICE_PW
			);
			expect(errors).toEqual([]);
		}, 'phone');
	});

	test('a wrong password stays UNAUTHORIZED', async () => {
		await withPage(async (page) => {
			await page.goto(permalink(app.url, `${reg.host}/private/y:v2`));
			await verdict(page);
			const panel = page.getByTestId('credentials-panel');
			await panel.locator('input[name="username"]').fill(ALICE);
			await panel.locator('input[name="secret"]').fill('wrong');
			await panel.getByRole('button', { name: 'Save' }).click();
			await expect.poll(() => page.getByTestId('error-message').getAttribute('data-code')).toBe('UNAUTHORIZED');
			expect(await page.locator('[data-testid="verify-status"]').getAttribute('data-verdict')).toBe('failed');
			// The wording says whose credentials were refused, not that an anonymous pull was.
			expect(await page.getByTestId('error-message').locator('h2').textContent()).toBe(
				`The registry refused the credentials you gave for user ${ALICE}`
			);
			expect(await page.getByTestId('error-message').count()).toBe(1);
			// The panel's status does not stay on "checking again…" once the answer is in.
			expect(await page.getByTestId('credentials-status').textContent()).not.toContain('checking');
			await shot(page, 'credentials-wrong-password-light');
		});
	});
});
