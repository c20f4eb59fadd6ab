// `npm start`: build when there is no build yet, then serve it (PORT and HOST honoured, default port 3000).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const entry = resolve('build/index.js');
if (!existsSync(entry)) {
	const r = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
	if (r.status !== 0) process.exit(r.status ?? 1);
}
process.env.PORT ??= '3000';
// A computed specifier keeps the type checker out of the generated build.
await import(pathToFileURL(entry).href);
