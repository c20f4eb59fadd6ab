/** Helpers for the long-running child processes of the test bed (registry, app). */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface Service {
	child: ChildProcess;
	/** Last ~64 KiB of stdout+stderr, for error messages. */
	output(): string;
	/** Resolves when the process has exited (immediately if it already has). */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	hasExited(): boolean;
	/** SIGTERM, then SIGKILL after `graceMs`. Resolves once the process is gone. */
	kill(graceMs?: number): Promise<void>;
}

const KEEP = 64 * 1024;

export function spawnService(command: string, args: string[], options: SpawnOptions): Service {
	const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
	let buffer = '';
	const append = (chunk: Buffer) => {
		buffer += chunk.toString('utf8');
		if (buffer.length > KEEP * 2) buffer = buffer.slice(-KEEP);
	};
	child.stdout?.on('data', append);
	child.stderr?.on('data', append);
	let done = false;
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
		child.once('exit', (code, signal) => {
			done = true;
			resolve({ code, signal });
		});
		child.once('error', (error) => {
			append(Buffer.from(`\n[spawn error] ${error.message}\n`));
			done = true;
			resolve({ code: null, signal: null });
		});
	});
	return {
		child,
		output: () => buffer.slice(-KEEP),
		exited,
		hasExited: () => done,
		async kill(graceMs = 5000) {
			if (done) return;
			child.kill('SIGTERM');
			const timer = setTimeout(() => {
				if (!done) child.kill('SIGKILL');
			}, graceMs);
			await exited;
			clearTimeout(timer);
		}
	};
}

/**
 * Polls `url` until it answers HTTP 200. Fails early if the service exits, and after `timeoutMs`
 * with an error containing the service's output.
 */
export async function waitForHttp200(url: string, service: Service, what: string, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let last = 'no answer yet';
	while (Date.now() < deadline) {
		if (service.hasExited()) {
			const { code, signal } = await service.exited;
			throw new Error(`${what} exited before answering ${url} (code ${code}, signal ${signal}). Output:\n${service.output()}`);
		}
		try {
			const response = await fetch(url, { signal: AbortSignal.timeout(2000), redirect: 'manual' });
			await response.arrayBuffer().catch(() => undefined);
			if (response.status === 200) return;
			last = `HTTP ${response.status}`;
		} catch (error) {
			last = (error as Error).message;
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	await service.kill(1000);
	throw new Error(`${what} did not answer 200 on ${url} within ${timeoutMs} ms (last: ${last}). Output:\n${service.output()}`);
}
