// `npm start`: build when there is no build or the sources changed since it was made, then serve it
// (PORT and HOST honoured, default port 3000).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
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
	const r = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
	if (r.status !== 0) process.exit(r.status ?? 1);
}
process.env.PORT ??= '3000';
// A computed specifier keeps the type checker out of the generated build.
await import(pathToFileURL(entry).href);
