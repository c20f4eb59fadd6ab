/**
 * Starts Debian's docker-registry (distribution 2.8) on a free 127.0.0.1 port with filesystem
 * storage in a fresh temp dir.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { spawnService, waitForHttp200 } from './process';
import { ensureTool } from './tools';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';
export const REGISTRY_PACKAGE = 'docker-registry';

export interface RunningRegistry {
	/** `127.0.0.1:PORT` */
	host: string;
	/** `http://127.0.0.1:PORT` */
	url: string;
	/** Temp dir holding config.yml and the storage root (`data/`). */
	dir: string;
	/** Storage root: `<dir>/data` (blobs live under docker/registry/v2/). */
	storageDir: string;
	/** The registry's recent stdout+stderr. */
	output(): string;
	stop(): Promise<void>;
}

export interface StartRegistryOptions {
	/** `compatibility.schema1.enabled` (lets signed schema1 manifests be pushed; the fixture set has some). Default true. */
	schema1?: boolean;
	/** Startup timeout (default 30 s). */
	timeoutMs?: number;
}

export function registryConfig(port: number, storageDir: string, schema1: boolean): string {
	// JSON is valid YAML; quoting every string avoids any YAML escaping question for temp paths.
	const q = (s: string) => JSON.stringify(s);
	const lines = [
		'version: 0.1',
		'log:',
		'  level: warn',
		'  accesslog:',
		'    disabled: true',
		'storage:',
		'  filesystem:',
		`    rootdirectory: ${q(storageDir)}`,
		'  delete:',
		'    enabled: true',
		'  maintenance:',
		'    uploadpurging:',
		'      enabled: false',
		'http:',
		`  addr: ${q(`127.0.0.1:${port}`)}`,
		`  secret: ${q('regscope-test-bed-secret')}`
	];
	if (schema1) lines.push('compatibility:', '  schema1:', '    enabled: true');
	return lines.join('\n') + '\n';
}

export async function startRegistry(opts: StartRegistryOptions = {}): Promise<RunningRegistry> {
	const binary = await ensureTool(REGISTRY_BINARY, REGISTRY_PACKAGE);
	const dir = await mkdtemp(path.join(tmpdir(), 'regscope-registry-'));
	const storageDir = path.join(dir, 'data');
	const configPath = path.join(dir, 'config.yml');

	// The port is free when picked; another process could grab it before the registry binds.
	// Retry a few times in that (rare) case.
	let lastError: unknown;
	for (let attempt = 0; attempt < 3; attempt++) {
		const port = await freePort();
		await writeFile(configPath, registryConfig(port, storageDir, opts.schema1 ?? true));
		const service = spawnService(binary, ['serve', configPath], {
			cwd: dir,
			env: { ...process.env, REGISTRY_HTTP_SECRET: 'regscope-test-bed-secret' }
		});
		const host = `127.0.0.1:${port}`;
		const url = `http://${host}`;
		try {
			await waitForHttp200(`${url}/v2/`, service, `docker-registry (${binary})`, opts.timeoutMs ?? 30_000);
		} catch (error) {
			lastError = error;
			await service.kill(1000);
			if (/address already in use/i.test(service.output())) continue;
			await rm(dir, { recursive: true, force: true });
			throw error;
		}
		let stopped = false;
		return {
			host,
			url,
			dir,
			storageDir,
			output: service.output,
			async stop() {
				if (stopped) return;
				stopped = true;
				await service.kill();
				await rm(dir, { recursive: true, force: true });
			}
		};
	}
	await rm(dir, { recursive: true, force: true });
	throw lastError;
}
