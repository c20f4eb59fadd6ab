/**
 * Server settings, read from the environment once (see docs/ARCHITECTURE.md "Server settings").
 * `parseSettings(env)` is pure so tests can build their own; `getSettings()` caches the process's.
 */

export interface HostEntry {
	/** Lowercase hostname without brackets (IPv6 literals are stored bare: `::1`). */
	host: string;
	/** undefined = every port of that host. */
	port?: number;
}

export interface Limits {
	manifestBytes: number;
	configBytes: number;
	tokenBytes: number;
	errorBytes: number;
	tagPageBytes: number;
	tagPages: number;
	tags: number;
	redirects: number;
	/** Per upstream request (connect, headers, whole body). */
	requestTimeoutMs: number;
	/** Whole API call (all upstream requests of one inspection). */
	overallTimeoutMs: number;
	connectTimeoutMs: number;
}

export interface Settings {
	insecureRegistries: HostEntry[];
	privateRegistries: HostEntry[];
	limits: Limits;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
	manifestBytes: 4 * MiB,
	configBytes: 4 * MiB,
	tokenBytes: 64 * 1024,
	errorBytes: 64 * 1024,
	tagPageBytes: 4 * MiB,
	tagPages: 100,
	tags: 10_000,
	redirects: 5,
	requestTimeoutMs: 15_000,
	overallTimeoutMs: 60_000,
	connectTimeoutMs: 5_000
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

function positiveInt(env: Record<string, string | undefined>, name: string, fallback: number): number {
	const v = env[name];
	if (v === undefined || v.trim() === '') return fallback;
	const n = Number(v);
	if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
	return n;
}

export function parseSettings(env: Record<string, string | undefined>): Settings {
	const limits: Limits = {
		...DEFAULT_LIMITS,
		requestTimeoutMs: positiveInt(env, 'REGSCOPE_REQUEST_TIMEOUT_MS', DEFAULT_LIMITS.requestTimeoutMs),
		overallTimeoutMs: positiveInt(env, 'REGSCOPE_OVERALL_TIMEOUT_MS', DEFAULT_LIMITS.overallTimeoutMs)
	};
	limits.connectTimeoutMs = Math.min(limits.connectTimeoutMs, limits.requestTimeoutMs);
	return {
		insecureRegistries: parseHostList(env.REGSCOPE_INSECURE_REGISTRIES),
		privateRegistries: parseHostList(env.REGSCOPE_PRIVATE_REGISTRIES),
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
	const h = normalizeHost(hostname);
	return list.some((e) => e.host === h && (e.port === undefined || e.port === port));
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
