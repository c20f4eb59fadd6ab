/**
 * A latency-injecting TCP proxy for the benchmark: every chunk is forwarded `delayMs` later in each
 * direction (so a request/response round trip costs 2 × delayMs, as on the internet), and a new
 * connection costs one extra round trip before its first byte goes through (the TCP handshake).
 *
 * It also counts the HTTP/1.x requests that pass through it (request lines on the client → server
 * stream), which is how the benchmark measures skopeo's upstream requests. Loopback only.
 *
 * CLI: `tsx scripts/latency-proxy.ts <listenPort> <targetHost:port> [delayMs]`
 */
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export interface LatencyProxy {
	port: number;
	/** `127.0.0.1:PORT` */
	host: string;
	delayMs: number;
	/** HTTP requests seen since start (or the last reset), with their request lines (path only). */
	requests(): string[];
	connections(): number;
	reset(): void;
	close(): Promise<void>;
}

export interface LatencyProxyOptions {
	targetHost: string;
	targetPort: number;
	/** One-way delay, ms (default 25). */
	delayMs?: number;
	/** Listen port (default: any free port). */
	port?: number;
	/** Charge a handshake round trip on each new connection (default true). */
	handshake?: boolean;
}

const REQUEST_LINE = /(?:^|\r\n)(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\S+) HTTP\/1\.[01]\r\n/g;

/** Forwards chunks from `from` to `to`, each `delayMs` after it arrived, in order. */
function delayedPipe(from: net.Socket, to: net.Socket, delayMs: number, startAt: number, onChunk?: (b: Buffer) => void): void {
	let last = startAt;
	from.on('data', (chunk: Buffer) => {
		onChunk?.(chunk);
		const due = Math.max(Date.now() + delayMs, last);
		last = due;
		setTimeout(() => {
			if (!to.destroyed) to.write(chunk);
		}, due - Date.now());
	});
	from.on('end', () => {
		const due = Math.max(Date.now() + delayMs, last);
		setTimeout(() => to.end(), due - Date.now());
	});
	from.on('error', () => to.destroy());
	to.on('error', () => from.destroy());
}

export function startLatencyProxy(opts: LatencyProxyOptions): Promise<LatencyProxy> {
	const delayMs = opts.delayMs ?? 25;
	const handshake = opts.handshake ?? true;
	let seen: string[] = [];
	let conns = 0;
	const sockets = new Set<net.Socket>();
	const server = net.createServer((client) => {
		conns++;
		sockets.add(client);
		client.setNoDelay(true);
		// The connection is usable one round trip after it was opened (SYN, SYN-ACK).
		const readyAt = Date.now() + (handshake ? 2 * delayMs : 0);
		const upstream = net.connect({ host: opts.targetHost, port: opts.targetPort });
		upstream.setNoDelay(true);
		sockets.add(upstream);
		let carry = '';
		delayedPipe(client, upstream, delayMs, readyAt, (chunk) => {
			const text = carry + chunk.toString('latin1');
			for (const m of text.matchAll(REQUEST_LINE)) seen.push(`${m[1]} ${m[2]!.split('?')[0]}`);
			// keep a tail so a request line split across chunks is still seen once
			const cut = text.lastIndexOf('\r\n');
			carry = cut >= 0 ? text.slice(cut) : text.slice(-200);
		});
		delayedPipe(upstream, client, delayMs, readyAt);
		const forget = () => {
			sockets.delete(client);
			sockets.delete(upstream);
		};
		client.on('close', forget);
		upstream.on('close', forget);
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port ?? 0, '127.0.0.1', () => {
			const address = server.address() as net.AddressInfo;
			resolve({
				port: address.port,
				host: `127.0.0.1:${address.port}`,
				delayMs,
				requests: () => [...seen],
				connections: () => conns,
				reset() {
					seen = [];
					conns = 0;
				},
				close: () =>
					new Promise<void>((done) => {
						for (const s of sockets) s.destroy();
						server.close(() => done());
					})
			});
		});
	});
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const [listen, target, delay] = process.argv.slice(2);
	const [host, port] = (target ?? '').split(':');
	if (!listen || !host || !port) {
		console.error('usage: tsx scripts/latency-proxy.ts <listenPort> <targetHost:port> [delayMs]');
		process.exit(2);
	}
	const p = await startLatencyProxy({ port: Number(listen), targetHost: host, targetPort: Number(port), delayMs: Number(delay ?? 25) });
	console.log(`latency proxy 127.0.0.1:${p.port} → ${target}, ${p.delayMs} ms each way`);
	setInterval(() => {
		const r = p.requests();
		if (r.length) {
			console.log(r.join('\n'));
			p.reset();
		}
	}, 1000);
}
