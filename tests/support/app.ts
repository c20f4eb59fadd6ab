/**
 * Builds the SvelteKit app (adapter-node, `build/`) and runs it on a free 127.0.0.1 port.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports';
import { spawnService, waitForHttp200, type Service } from './process';

/** The repository root (…/tests/support/app.ts → …/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let build: Promise<void> | undefined;

/** `npx vite build`, once per process. Throws with the build output on failure. */
export function buildApp(): Promise<void> {
	build ??= new Promise<void>((resolve, reject) => {
		execFile(
			'npx',
			['vite', 'build'],
			{ cwd: REPO_ROOT, env: { ...process.env, NODE_ENV: 'production' }, maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 },
			(error, stdout, stderr) => {
				if (error) {
					reject(new Error(`\`npx vite build\` failed (${error.message.split('\n')[0]}):\n${stdout}\n${stderr}`));
				} else if (!existsSync(path.join(REPO_ROOT, 'build', 'index.js'))) {
					reject(new Error(`\`npx vite build\` succeeded but build/index.js is missing:\n${stdout}\n${stderr}`));
				} else resolve();
			}
		);
	});
	return build;
}

export interface RunningApp {
	/** `http://127.0.0.1:PORT` */
	url: string;
	port: number;
	/** The app's process id (to read its memory from /proc). */
	pid: number;
	output(): string;
	/** Resolves when the app has exited, with how. */
	exited: Service['exited'];
	stop(): Promise<void>;
}

/** The registries the tests and scripts run on 127.0.0.1 are allowed (over plain http, private address). */
export const LOOPBACK_REGISTRIES = { REGSCOPE_INSECURE_REGISTRIES: '127.0.0.1', REGSCOPE_PRIVATE_REGISTRIES: '127.0.0.1' };

/**
 * What `npm start` (scripts/start.js) adds on Linux: --expose-gc (the server collects after bursts, see
 * call-budget.ts) and glibc's fixed mmap/trim thresholds (freed memory goes back to the system). Kept in
 * step with start.js by hand: memory figures mean something only for the process users run.
 */
const NPM_START = {
	nodeArgs: ['--expose-gc'],
	env: { MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' }
};

export interface AppOptions {
	/** Where the built server is (default `build/`; the bench runs a copy). */
	buildDir?: string;
	/** Node flags before the entry point (e.g. `--expose-gc`). */
	nodeArgs?: string[];
	/** Run it as `npm start` does (its node flags and malloc settings, before `nodeArgs` and `env`). */
	likeNpmStart?: boolean;
	/** Default: a free port. */
	port?: number;
	/** How long the app may take to answer `/` (default 30 s). */
	timeoutMs?: number;
}

/**
 * Runs `node build/index.js` with PORT, HOST=127.0.0.1, ORIGIN, LOOPBACK_REGISTRIES and then `env` (on
 * top of this process's environment, so `env` may override the registries); resolves once `/` answers
 * 200. Call buildApp() first.
 */
export async function startApp(env: Record<string, string> = {}, options: AppOptions = {}): Promise<RunningApp> {
	const entry = path.join(options.buildDir ?? path.join(REPO_ROOT, 'build'), 'index.js');
	if (!existsSync(entry)) throw new Error(`${entry} does not exist: run buildApp() (npx vite build) first`);
	const port = options.port ?? (await freePort());
	const url = `http://127.0.0.1:${port}`;
	const asStarted = options.likeNpmStart ? NPM_START : { nodeArgs: [], env: {} };
	const service = spawnService(process.execPath, [...asStarted.nodeArgs, ...(options.nodeArgs ?? []), entry], {
		cwd: REPO_ROOT,
		env: {
			...process.env,
			NODE_ENV: 'production',
			ORIGIN: url,
			...LOOPBACK_REGISTRIES,
			...asStarted.env,
			...env,
			PORT: String(port),
			HOST: '127.0.0.1'
		}
	});
	try {
		await waitForHttp200(`${url}/`, service, `regscope app (node ${entry})`, options.timeoutMs ?? 30_000);
	} catch (error) {
		await service.kill();
		throw error;
	}
	let stopping = false;
	// A server that dies under a test fails every test after it with "connection refused": say why, once.
	void service.exited.then(({ code, signal }) => {
		if (!stopping)
			console.error(`[app] ${url} exited unexpectedly (code ${code}, signal ${signal}). Its last output:\n${service.output()}`);
	});
	return {
		url,
		port,
		pid: service.child.pid ?? 0,
		output: service.output,
		exited: service.exited,
		stop: () => {
			stopping = true;
			return service.kill();
		}
	};
}
