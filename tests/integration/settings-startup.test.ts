/**
 * A bad setting stops the built server at start, with a message naming the variable (instead of a server
 * that starts and then fails every API call).
 */
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { REPO_ROOT } from '../support/app';
import { freePort } from '../support/ports';
import { spawnService, type Service } from '../support/process';

let service: Service | undefined;
afterEach(async () => {
	await service?.kill();
	service = undefined;
});

async function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
	const port = await freePort();
	service = spawnService(process.execPath, [path.join(REPO_ROOT, 'build', 'index.js')], {
		cwd: REPO_ROOT,
		env: { ...process.env, NODE_ENV: 'production', ...env, PORT: String(port), HOST: '127.0.0.1' }
	});
	// A server that starts anyway would never exit: stop it after a while so the assertion below fails.
	const guard = setTimeout(() => void service?.kill(), 20_000);
	const { code } = await service.exited;
	clearTimeout(guard);
	return { code, output: service.output() };
}

test.each([
	['REGSCOPE_REQUEST_TIMEOUT_MS', 'lots'],
	['REGSCOPE_PRIVATE_REGISTRIES', 'http://registry.corp'],
	['REGSCOPE_CACHE_MB', '-5']
])(
	'%s=%s stops the server at start, naming the variable',
	async (name, value) => {
		const { code, output } = await start({ [name]: value });
		expect(code, output).not.toBe(0);
		expect(code, output).not.toBeNull();
		expect(output).toContain(name);
		expect(output).toContain('regscope cannot start');
	},
	30_000
);
