/**
 * Debian's nginx as a caching reverse proxy (`proxy_cache`) in front of an app instance, for the
 * scaling-out tests: a temp dir holds the config, cache, temp paths, pid and logs; it listens on a free
 * 127.0.0.1 port, in the foreground (`daemon off`), and adds `X-Cache-Status` to every answer.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { spawnService, waitForHttp200 } from './process';
import { ensureTool } from './tools';

export interface RunningNginx {
	/** `http://127.0.0.1:PORT` */
	url: string;
	dir: string;
	/** Access log lines: `<request_uri> <cache status> <status>`. */
	accessLog(): Promise<string[]>;
	output(): string;
	stop(): Promise<void>;
}

export function nginxConfig(dir: string, port: number, upstream: URL, asRoot: boolean): string {
	const p = (name: string) => JSON.stringify(path.join(dir, name));
	return `${asRoot ? 'user root;\n' : ''}daemon off;
worker_processes 1;
pid ${p('nginx.pid')};
error_log ${p('error.log')} warn;
events { worker_connections 256; }
http {
	log_format cache '$request_uri $upstream_cache_status $status';
	access_log ${p('access.log')} cache;
	client_body_temp_path ${p('client_body')};
	proxy_temp_path ${p('proxy_temp')};
	fastcgi_temp_path ${p('fastcgi_temp')};
	uwsgi_temp_path ${p('uwsgi_temp')};
	scgi_temp_path ${p('scgi_temp')};
	proxy_cache_path ${p('cache')} levels=1:2 keys_zone=regscope:10m max_size=256m inactive=7d use_temp_path=off;
	upstream regscope { server ${upstream.host}; keepalive 16; }
	server {
		listen 127.0.0.1:${port};
		location / {
			proxy_pass http://regscope;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header Host $http_host;
			proxy_cache regscope;
			proxy_cache_revalidate on;
			proxy_cache_lock on;
			add_header X-Cache-Status $upstream_cache_status always;
		}
	}
}
`;
}

export async function startNginx(upstreamUrl: string): Promise<RunningNginx> {
	const binary = await ensureTool('nginx', 'nginx');
	const dir = await mkdtemp(path.join(tmpdir(), 'regscope-nginx-'));
	const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	let lastError: unknown;
	for (let attempt = 0; attempt < 3; attempt++) {
		const port = await freePort();
		const conf = path.join(dir, 'nginx.conf');
		await writeFile(conf, nginxConfig(dir, port, new URL(upstreamUrl), asRoot));
		const service = spawnService(binary, ['-p', dir, '-c', conf, '-e', path.join(dir, 'error.log')], { cwd: dir });
		const url = `http://127.0.0.1:${port}`;
		try {
			await waitForHttp200(`${url}/`, service, `nginx (${binary})`, 20_000);
		} catch (error) {
			lastError = error;
			await service.kill(1000);
			if (/address already in use/i.test(service.output())) continue;
			await rm(dir, { recursive: true, force: true });
			throw error;
		}
		return {
			url,
			dir,
			output: service.output,
			async accessLog() {
				const text = await readFile(path.join(dir, 'access.log'), 'utf8').catch(() => '');
				return text.split('\n').filter(Boolean);
			},
			async stop() {
				await service.kill();
				await rm(dir, { recursive: true, force: true });
			}
		};
	}
	await rm(dir, { recursive: true, force: true });
	throw lastError;
}
