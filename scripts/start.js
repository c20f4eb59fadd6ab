// `npm start`: build once if there is no build yet, then serve it (PORT and HOST honoured, default 3000).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (!existsSync('build/index.js')) {
	const r = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
	if (r.status !== 0) process.exit(r.status ?? 1);
}
process.env.PORT ??= '3000';
await import('../build/index.js');
