/**
 * A second app instance for one suite, for tests that need other settings than the app the global
 * setup started (vitest hooks; kept apart from app.ts, which scripts use outside vitest).
 */
import { afterAll, beforeAll } from 'vitest';
import { startApp, type AppOptions, type RunningApp } from './app';

export interface ExtraApp {
	/** `http://127.0.0.1:PORT`; throws outside the tests of the suite that called useApp. */
	readonly url: string;
	/** The instance's process id (to read its memory from /proc). */
	readonly pid: number;
	/** What the instance printed so far (its `[request]` log lines among them). */
	output(): string;
}

/**
 * An extra app instance for the enclosing suite (when a test needs other settings than the shared
 * app): started in beforeAll with the loopback registries allowed plus `env` (a function when it depends on
 * an earlier beforeAll), always stopped in afterAll. Call it where its beforeAll should run: after
 * the hooks that start what `env` names.
 */
export function useApp(env: Record<string, string> | (() => Record<string, string>) = {}, options: AppOptions = {}): ExtraApp {
	let running: RunningApp | undefined;
	beforeAll(async () => {
		running = await startApp(typeof env === 'function' ? env() : env, options);
	}, 60_000);
	afterAll(async () => {
		await running?.stop();
	});
	const app = (): RunningApp => {
		if (!running) throw new Error('useApp: the app is not running (use it inside a test of the suite that called useApp)');
		return running;
	};
	return {
		get url() {
			return app().url;
		},
		get pid() {
			return app().pid;
		},
		output: () => app().output()
	};
}
