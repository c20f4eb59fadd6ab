/**
 * Global setup of the vitest `integration` project: tools, registry, fixtures, app.
 * Tests read `inject('registry')`, `inject('registryUrl')`, `inject('appUrl')`, `inject('fixtures')`.
 */
import type { TestProject } from 'vitest/node';
import { seedFixtures } from '../fixtures/fixtures';
import { buildApp, startApp, type RunningApp } from './app';
import { REGISTRY_BINARY, REGISTRY_PACKAGE, startRegistry, type RunningRegistry } from './registry';
import { SKOPEO_PACKAGE } from './skopeo';
import { ensureTool } from './tools';

function log(message: string): void {
	if (process.env.REGSCOPE_TEST_QUIET !== '1') console.log(`[global-setup] ${message}`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const t0 = Date.now();
	let registry: RunningRegistry | undefined;
	let app: RunningApp | undefined;

	const teardown = async () => {
		await app?.stop().catch(() => undefined);
		await registry?.stop().catch(() => undefined);
	};

	try {
		// Sequential on purpose: apt-get cannot run twice at the same time.
		await ensureTool(REGISTRY_BINARY, REGISTRY_PACKAGE);
		await ensureTool('skopeo', SKOPEO_PACKAGE);
		await ensureTool('chromium', 'chromium');

		const building = buildApp();
		building.catch(() => undefined); // observed below
		registry = await startRegistry({ schema1: true });
		log(`registry ${registry.host} up after ${Date.now() - t0} ms`);
		const fixtures = await seedFixtures(registry.url);
		log(`fixtures seeded after ${Date.now() - t0} ms`);
		await building;
		log(`app built after ${Date.now() - t0} ms`);
		app = await startApp();
		log(`app ${app.url} up after ${Date.now() - t0} ms`);

		project.provide('registry', registry.host);
		project.provide('registryUrl', registry.url);
		project.provide('registryStorageDir', registry.storageDir);
		project.provide('appUrl', app.url);
		project.provide('fixtures', fixtures);
	} catch (error) {
		await teardown();
		throw error;
	}
	return teardown;
}
