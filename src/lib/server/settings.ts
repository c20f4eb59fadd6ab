/**
 * Server settings, read from the environment once (see docs/ARCHITECTURE.md "Server settings").
 * `parseSettings(env)` is pure so tests can build their own; `getSettings()` caches the process's.
 */

export interface HostEntry {
	/** Lowercase hostname without brackets (IPv6 literals are stored bare: `::1`). */
	host: string;
	/** undefined = every port of that host. */
	port?: number;
	/**
	 * REGSCOPE_PRIVATE_REGISTRIES only: the address ranges this host may resolve to
	 * (`host[:port]=10.1.0.0/16;fd00:1::/64`). undefined = any loopback/private/CGNAT/ULA address.
	 */
	cidrs?: string[];
}

export interface Limits {
	manifestBytes: number;
	configBytes: number;
	tokenBytes: number;
	errorBytes: number;
	tagPageBytes: number;
	/** All tag pages of one listing together. */
	tagListBytes: number;
	tagPages: number;
	tags: number;
	redirects: number;
	/** Per upstream request (connect, headers, whole body). */
	requestTimeoutMs: number;
	/** Whole API call (all upstream requests of one inspection). */
	overallTimeoutMs: number;
	connectTimeoutMs: number;
	/** Longest Retry-After (ms) the server waits for before its one retry on 429/503. */
	maxRetryAfterMs: number;
	/** In-flight API calls per client address, and how many more may wait. */
	clientConcurrency: number;
	clientQueue: number;
	/** In-flight upstream requests per upstream host, and how many more may wait. */
	hostConcurrency: number;
	hostQueue: number;
	/** In-flight API calls of all clients together, and how many more may wait. */
	globalConcurrency: number;
	globalQueue: number;
	/** Registry bytes one API call may read, and all calls in flight together. */
	callBytes: number;
	totalBytes: number;
}

export interface Settings {
	insecureRegistries: HostEntry[];
	privateRegistries: HostEntry[];
	/** Ports any registry may use over https; other ports only for hosts on either list above. */
	allowedPorts: number[];
	/** Path of a Docker-style config.json with operator credentials (REGSCOPE_AUTH_FILE), if any. */
	authFile?: string;
	limits: Limits;
}

/** 443 plus the two ports self-hosted registries commonly use (security.md A5). */
export const DEFAULT_PORTS: readonly number[] = Object.freeze([443, 5000, 8443]);

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
	manifestBytes: 4 * MiB,
	configBytes: 4 * MiB,
	tokenBytes: 64 * 1024,
	errorBytes: 64 * 1024,
	tagPageBytes: 4 * MiB,
	tagListBytes: 8 * MiB,
	tagPages: 100,
	tags: 10_000,
	redirects: 5,
	requestTimeoutMs: 15_000,
	overallTimeoutMs: 60_000,
	connectTimeoutMs: 5_000,
	maxRetryAfterMs: 2_000,
	clientConcurrency: 8,
	clientQueue: 32,
	hostConcurrency: 16,
	hostQueue: 64,
	globalConcurrency: 24,
	globalQueue: 64,
	// Registry bytes and the answer built from them: an index, a manifest and a config of 4 MiB each
	// (12 MiB, and 16 MiB of base64 for /api/chain) still fit.
	callBytes: 32 * MiB,
	// Each byte held is worked on (parsed, hashed, encoded) in a few copies: the process peaks at a few times this.
	totalBytes: 64 * MiB
});

/**
 * Parses one `host[:port]` entry. Accepts `[v6]`, `[v6]:port`, and a bare IPv6 literal.
 * Throws on anything else (a misconfigured allowlist should stop the server, not be ignored).
 */
export function parseHostEntry(raw: string): HostEntry {
	const s = raw.trim().toLowerCase();
	let m = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(s);
	if (m) return withPort(m[1]!, m[2], raw);
	if (/^[0-9a-f:.]+$/.test(s) && (s.match(/:/g) ?? []).length >= 2) return { host: s };
	m = /^([a-z0-9]([a-z0-9.-]*[a-z0-9])?)(?::(\d{1,5}))?$/.exec(s);
	if (m) return withPort(m[1]!.replace(/\.$/, ''), m[3], raw);
	throw new Error(`invalid registry entry ${JSON.stringify(raw)}: expected host[:port]`);
}

function withPort(host: string, port: string | undefined, raw: string): HostEntry {
	if (port === undefined) return { host };
	const n = Number(port);
	if (!Number.isInteger(n) || n < 1 || n > 65535) {
		throw new Error(`invalid port in registry entry ${JSON.stringify(raw)}`);
	}
	return { host, port: n };
}

export function parseHostList(value: string | undefined): HostEntry[] {
	if (!value) return [];
	return value
		.split(',')
		.map((s) => s.trim())
		.filter((s) => s !== '')
		.map(parseHostEntry);
}

const CIDR = /^([0-9a-f:.]+)\/(\d{1,3})$/;

/**
 * REGSCOPE_PRIVATE_REGISTRIES entries: `host[:port]` optionally pinned to ranges, `host[:port]=CIDR[;CIDR…]`
 * (security.md B6: the name AND the resolved address must match, since DNS can change).
 */
export function parsePrivateList(value: string | undefined): HostEntry[] {
	if (!value) return [];
	return value
		.split(',')
		.map((s) => s.trim())
		.filter((s) => s !== '')
		.map((raw) => {
			const eq = raw.indexOf('=');
			if (eq < 0) return parseHostEntry(raw);
			const entry = parseHostEntry(raw.slice(0, eq));
			const cidrs = raw
				.slice(eq + 1)
				.split(';')
				.map((c) => c.trim().toLowerCase())
				.filter((c) => c !== '');
			if (cidrs.length === 0) throw new Error(`invalid registry entry ${JSON.stringify(raw)}: no CIDR after "="`);
			for (const c of cidrs) {
				const m = CIDR.exec(c);
				const max = m && m[1]!.includes(':') ? 128 : 32;
				if (!m || Number(m[2]) > max) {
					throw new Error(`invalid CIDR ${JSON.stringify(c)} in registry entry ${JSON.stringify(raw)}`);
				}
			}
			return { ...entry, cidrs };
		});
}

function portList(value: string | undefined): number[] {
	if (value === undefined || value.trim() === '') return [...DEFAULT_PORTS];
	return value.split(',').map((p) => {
		const n = Number(p.trim());
		if (!Number.isInteger(n) || n < 1 || n > 65535) {
			throw new Error(`REGSCOPE_ALLOWED_PORTS: ${JSON.stringify(p)} is not a port`);
		}
		return n;
	});
}

function positiveInt(env: Record<string, string | undefined>, name: string, fallback: number): number {
	const v = env[name];
	if (v === undefined || v.trim() === '') return fallback;
	const n = Number(v);
	if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
	return n;
}

/** Runs a list parser, putting the variable's name in front of its error. */
function named<T>(name: string, parse: () => T): T {
	try {
		return parse();
	} catch (e) {
		throw new Error(`${name}: ${(e as Error).message}`, { cause: e });
	}
}

export function parseSettings(env: Record<string, string | undefined>): Settings {
	const limits: Limits = {
		...DEFAULT_LIMITS,
		requestTimeoutMs: positiveInt(env, 'REGSCOPE_REQUEST_TIMEOUT_MS', DEFAULT_LIMITS.requestTimeoutMs),
		overallTimeoutMs: positiveInt(env, 'REGSCOPE_OVERALL_TIMEOUT_MS', DEFAULT_LIMITS.overallTimeoutMs),
		maxRetryAfterMs: positiveInt(env, 'REGSCOPE_MAX_RETRY_AFTER_MS', DEFAULT_LIMITS.maxRetryAfterMs),
		clientConcurrency: positiveInt(env, 'REGSCOPE_CLIENT_CONCURRENCY', DEFAULT_LIMITS.clientConcurrency),
		clientQueue: positiveInt(env, 'REGSCOPE_CLIENT_QUEUE', DEFAULT_LIMITS.clientQueue),
		hostConcurrency: positiveInt(env, 'REGSCOPE_HOST_CONCURRENCY', DEFAULT_LIMITS.hostConcurrency),
		hostQueue: positiveInt(env, 'REGSCOPE_HOST_QUEUE', DEFAULT_LIMITS.hostQueue),
		globalConcurrency: positiveInt(env, 'REGSCOPE_GLOBAL_CONCURRENCY', DEFAULT_LIMITS.globalConcurrency),
		globalQueue: positiveInt(env, 'REGSCOPE_GLOBAL_QUEUE', DEFAULT_LIMITS.globalQueue),
		callBytes: positiveInt(env, 'REGSCOPE_CALL_MB', DEFAULT_LIMITS.callBytes / MiB) * MiB,
		totalBytes: positiveInt(env, 'REGSCOPE_INFLIGHT_MB', DEFAULT_LIMITS.totalBytes / MiB) * MiB
	};
	limits.connectTimeoutMs = Math.min(limits.connectTimeoutMs, limits.requestTimeoutMs);
	const authFile = env.REGSCOPE_AUTH_FILE?.trim();
	return {
		insecureRegistries: named('REGSCOPE_INSECURE_REGISTRIES', () => parseHostList(env.REGSCOPE_INSECURE_REGISTRIES)),
		privateRegistries: named('REGSCOPE_PRIVATE_REGISTRIES', () => parsePrivateList(env.REGSCOPE_PRIVATE_REGISTRIES)),
		allowedPorts: portList(env.REGSCOPE_ALLOWED_PORTS),
		...(authFile ? { authFile } : {}),
		limits
	};
}

/** Normalizes a URL/connect hostname for matching: lowercase, no brackets, no trailing dot. */
export function normalizeHost(hostname: string): string {
	let h = hostname.toLowerCase();
	if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
	if (h.endsWith('.')) h = h.slice(0, -1);
	return h;
}

/** True when `host`:`port` is on the list (a bare-host entry matches every port). */
export function hostListed(list: readonly HostEntry[], hostname: string, port: number): boolean {
	return listEntry(list, hostname, port) !== undefined;
}

/** The entry matching `host`:`port` (a port-specific entry wins over a bare-host one). */
export function listEntry(list: readonly HostEntry[], hostname: string, port: number): HostEntry | undefined {
	const h = normalizeHost(hostname);
	return list.find((e) => e.host === h && e.port === port) ?? list.find((e) => e.host === h && e.port === undefined);
}

/** The effective port of a URL (explicit, else the scheme default). */
export function urlPort(url: URL): number {
	if (url.port) return Number(url.port);
	return url.protocol === 'http:' ? 80 : 443;
}

let cached: Settings | undefined;

export function getSettings(): Settings {
	cached ??= parseSettings(process.env);
	return cached;
}
