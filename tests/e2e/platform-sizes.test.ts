/**
 * The platform table's size column is the image's size (its compressed layers), not the byte count of the
 * platform's manifest: the chosen platform's figure equals the sum of the layers its manifest lists, read
 * here from the registry itself; the others say the size comes after opening them.
 */
import { describe, expect, inject, test } from 'vitest';
import { permalink, useBrowser, verdict } from './browser';

const appUrl = inject('appUrl');
const registry = inject('registry');
const fixtures = inject('fixtures');
const { withPage } = useBrowser();

/** The sum of the layer sizes of a manifest, straight from the registry (not through regscope). */
async function layerSum(repository: string, digest: string): Promise<number> {
	const res = await fetch(`http://${registry}/v2/${repository}/manifests/${digest}`, {
		headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' }
	});
	const json = (await res.json()) as { layers: { size: number }[] };
	return json.layers.reduce((n, l) => n + l.size, 0);
}

describe('platform table sizes', () => {
	const f = fixtures['oci-index'];
	const repository = f.repository;

	test.each(f.platforms)('%s: its row shows the sum of its layers, the others wait for opening', async (platform) => {
		const child = f.children[platform];
		if (!child) throw new Error(`no child for ${platform}`);
		const expected = await layerSum(repository, child.digest);
		await withPage(async (page) => {
			await page.goto(permalink(appUrl, f.ref, platform));
			expect(await verdict(page)).toContain('verified');
			const row = page.locator(`[data-testid="platform-option"][data-platform="${platform}"] [data-testid="platform-size"]`);
			expect(Number(await row.getAttribute('data-bytes'))).toBe(expected);
			const others = page.locator(`[data-testid="platform-option"]:not([data-platform="${platform}"]) [data-testid="platform-size"]`);
			expect(await others.allTextContents()).toEqual(f.platforms.filter((p) => p !== platform).map(() => 'after opening'));
		});
	});
});
