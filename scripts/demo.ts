/**
 * `npm run demo`: try regscope with no internet access. Starts Debian's docker-registry on a free
 * loopback port, pushes the test fixtures into it, builds the app if there is no build yet (or with
 * `--build`), starts it configured for that registry and prints permalinks to a few fixtures.
 * Ctrl-C stops both and deletes the registry's storage.
 *
 *   npm run demo                 PORT (default 3000, else a free port) on 127.0.0.1
 *   npm run demo -- --build      rebuild the app first
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { seedFixtures, type Fixture } from '../tests/fixtures/fixtures';
import { REPO_ROOT, startApp, type RunningApp } from '../tests/support/app';
import { freePort } from '../tests/support/ports';
import { startRegistry, type RunningRegistry } from '../tests/support/registry';

async function portToUse(): Promise<number> {
	if (process.env.PORT) return Number(process.env.PORT);
	const net = await import('node:net');
	const free = await new Promise<boolean>((resolve) => {
		const s = net.createServer();
		s.once('error', () => resolve(false));
		s.listen(3000, '127.0.0.1', () => s.close(() => resolve(true)));
	});
	return free ? 3000 : freePort();
}

function permalink(app: string, f: Fixture, platform?: string): string {
	return `${app}/r/${f.ref}${platform ? `?platform=${platform}` : ''}`;
}

async function main(): Promise<void> {
	let registry: RunningRegistry | undefined;
	let app: RunningApp | undefined;
	let stopping = false;
	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log('\nstopping…');
		await app?.stop().catch(() => undefined);
		await registry?.stop().catch(() => undefined);
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));

	try {
		if (process.argv.includes('--build') || !existsSync(path.join(REPO_ROOT, 'build', 'index.js'))) {
			console.log('building the app (npx vite build)…');
			const r = spawnSync('npx', ['vite', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
			if (r.status !== 0) throw new Error('the build failed');
		}
		registry = await startRegistry();
		console.log(`registry: ${registry.url} (storage ${registry.storageDir})`);
		const fixtures = await seedFixtures(registry.url);
		console.log(`seeded ${Object.keys(fixtures).length} fixture images`);

		const port = await portToUse();
		const examples = [
			fixtures['docker-v2'],
			fixtures['oci-index'],
			fixtures['buildx-attestations'],
			fixtures['oci-annotated'],
			fixtures['artifact-empty-config']
		].map((f) => f.ref);
		app = await startApp({ REGSCOPE_EXAMPLES: examples.join(',') }, { port });
		const url = app.url;
		void app.exited.then(({ code }) => {
			if (!stopping) {
				console.error(`the app exited (code ${code}):\n${app?.output()}`);
				void stop(1);
			}
		});

		const oci = fixtures['oci-index'];
		const pinned = fixtures['docker-v2'];
		console.log(`\nregscope is running on ${url}\n\nTry:`);
		const lines: [string, string][] = [
			['home', `${url}/`],
			['Docker schema2 image', permalink(url, fixtures['docker-v2'])],
			['the same, pinned', `${url}/r/${registry.host}/${pinned.repository}@${pinned.digest}`],
			['OCI index, 4 platforms', permalink(url, oci)],
			['…its linux/arm/v7 image', permalink(url, oci, 'linux/arm/v7')],
			['buildx index with attestations', permalink(url, fixtures['buildx-attestations'])],
			['OCI image with annotations', permalink(url, fixtures['oci-annotated'])],
			['zstd layer', permalink(url, fixtures['zstd-layer'])],
			['OCI artifact', permalink(url, fixtures['artifact-empty-config'])],
			['Docker schema1, signed', permalink(url, fixtures['schema1-signed'])],
			['a repository with many tags', permalink(url, fixtures['many-tags'])],
			['an unknown tag', `${url}/r/${registry.host}/${pinned.repository}:no-such-tag`]
		];
		for (const [label, link] of lines) console.log(`  ${label.padEnd(32)} ${link}`);
		console.log('\nPress Ctrl-C to stop the app and the registry.');
	} catch (e) {
		console.error(e instanceof Error ? e.message : e);
		await stop(1);
	}
}

void main();
