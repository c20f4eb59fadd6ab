/**
 * Debian's Chromium, headless, for the e2e tests and the scripts that measure pages (bench, size).
 * The flags keep it off the network: this machine reaches no Google host, and background
 * connections would only be refused.
 */
import { chromium, type Browser } from 'playwright-core';
import { ensureTool } from './tools';

export async function launchChromium(): Promise<Browser> {
	return chromium.launch({
		executablePath: await ensureTool('/usr/bin/chromium', 'chromium'),
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync'
		]
	});
}
