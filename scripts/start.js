// `npm start`: build when there is no build or the sources changed since it was made, then serve it
// (PORT and HOST honoured, default port 3000). It says what it does in a few lines; the build tool's own
// output is shown only when the build fails.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const entry = resolve('build/index.js');
const INPUTS = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'tailwind.config.cjs', 'package-lock.json'];

/** @param {string} path @returns {number} the newest modification time under path */
function newest(path) {
	if (!existsSync(path)) return 0;
	const st = statSync(path);
	if (!st.isDirectory()) return st.mtimeMs;
	return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), st.mtimeMs);
}

const stale = !existsSync(entry) || Math.max(...INPUTS.map(newest)) > statSync(entry).mtimeMs;
if (stale) {
	console.log(existsSync(entry) ? 'regscope: sources changed, building…' : 'regscope: building (first run, about half a minute)…');
	const started = Date.now();
	const r = spawnSync('npx', ['vite', 'build'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (r.status !== 0) {
		process.stdout.write(r.stdout ?? '');
		process.stderr.write(r.stderr ?? '');
		console.error('regscope: the build failed (its output is above).');
		process.exit(r.status ?? 1);
	}
	console.log(`regscope: built in ${Math.round((Date.now() - started) / 1000)} s.`);
}
process.env.PORT ??= '3000';
const host = !process.env.HOST || process.env.HOST === '0.0.0.0' || process.env.HOST === '::' ? 'localhost' : process.env.HOST;
const listening = `regscope: open http://${host.includes(':') ? `[${host}]` : host}:${process.env.PORT}/ (Ctrl-C stops it)`;
if (process.platform === 'linux' && process.env.MALLOC_MMAP_THRESHOLD_ === undefined) {
	// glibc raises its mmap threshold after large buffers are freed, so after a burst of multi-MiB registry
	// answers the memory stays in its heap instead of going back to the system. A fixed threshold (read only
	// at process start, hence the child process) gives it back. SIGINT/SIGTERM are passed on.
	// --expose-gc: the server collects once after a burst of large answers (src/lib/server/api/call-budget.ts).
	const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', entry], {
		stdio: 'inherit',
		env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' }
	});
	child.once('spawn', () => console.log(listening));
	for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => child.kill(signal));
	child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
	// A computed specifier keeps the type checker out of the generated build.
	await import(pathToFileURL(entry).href);
	console.log(listening);
}
