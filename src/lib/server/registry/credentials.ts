/**
 * Registry credentials: the per-request `X-Registry-Authorization` header a user sends, and the optional
 * operator credentials of REGSCOPE_AUTH_FILE (a Docker-style config.json).
 *
 * A user's credentials live for one API call: they are sent only to that registry's origin and to a token
 * realm auth.ts approves, never logged, never put in a message or URL, never cached across calls.
 * Operator credentials are per registry host (exact `host[:port]` match, security.md D7) and are used only
 * when the user sent none. Whoever can reach the server can read what they can read: see README.
 */
import { readFileSync } from 'node:fs';
import { RegscopeError } from '$lib/oci/errors';
import { base64Decode, base64Encode } from '$lib/oci/base64';

/** A username and password (or access token used as password): answered with Basic or via the token realm. */
export interface BasicCredentials {
	username: string;
	password: string;
}

/** A ready registry token: sent as `Authorization: Bearer …` to the registry origin only. */
export interface BearerCredentials {
	token: string;
}

export type Credentials = BasicCredentials | BearerCredentials;

export function isBearer(c: Credentials | undefined | null): c is BearerCredentials {
	return !!c && typeof (c as BearerCredentials).token === 'string';
}

export function isBasic(c: Credentials | undefined | null): c is BasicCredentials {
	return !!c && typeof (c as BasicCredentials).username === 'string';
}

/** The header a browser (or curl) sends credentials in. Never `Authorization`: that one is our app's. */
export const CREDENTIALS_HEADER = 'x-registry-authorization';

const MAX_HEADER = 8192;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function invalid(why: string): RegscopeError {
	// Never echo the value: it is a secret even when malformed.
	return new RegscopeError(
		'INVALID_REQUEST',
		`the X-Registry-Authorization header ${why}: send "Basic <base64 of user:password>" or "Bearer <token>"`
	);
}

/** Parses the X-Registry-Authorization value; null when absent or empty. Throws INVALID_REQUEST. */
export function parseCredentialsHeader(value: string | null | undefined): Credentials | null {
	if (value == null || value.trim() === '') return null;
	const v = value.trim();
	if (v.length > MAX_HEADER) throw invalid('is too long');
	const sp = v.indexOf(' ');
	const scheme = (sp < 0 ? v : v.slice(0, sp)).toLowerCase();
	const rest = sp < 0 ? '' : v.slice(sp + 1).trim();
	if (scheme === 'basic') {
		const raw = rest === '' ? null : base64Decode(rest);
		// Canonical only: unused bits set in the last character would give two spellings of one secret.
		if (!raw || base64Encode(raw) !== rest) throw invalid('is not valid base64');
		let text: string;
		try {
			text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
		} catch {
			throw invalid('is not UTF-8');
		}
		const colon = text.indexOf(':');
		if (colon <= 0) throw invalid('has no "user:password" pair');
		const username = text.slice(0, colon);
		const password = text.slice(colon + 1);
		if (CONTROL.test(username) || CONTROL.test(password)) throw invalid('contains control characters');
		return { username, password };
	}
	if (scheme === 'bearer') {
		if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(rest)) throw invalid('has an invalid token');
		return { token: rest };
	}
	throw invalid('has an unknown scheme');
}

export function basicHeaderValue(c: { username: string; password: string }): string {
	return `Basic ${base64Encode(new TextEncoder().encode(`${c.username}:${c.password}`))}`;
}

// ---------------------------------------------------------------------------------------------------------
// Operator credentials (REGSCOPE_AUTH_FILE)

const DOCKER_HUB_KEYS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** `https://index.docker.io/v1/` → `docker.io`; `Registry.Example:5000/` → `registry.example:5000`. */
export function normalizeAuthKey(key: string): string {
	let k = key.trim().toLowerCase();
	k = k.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
	const slash = k.indexOf('/');
	if (slash >= 0) k = k.slice(0, slash);
	if (DOCKER_HUB_KEYS.has(k)) return 'docker.io';
	return k;
}

export type OperatorCredentials = Map<string, BasicCredentials>;

/** Reads config.json's `auths` (`auth` = base64 user:password, or `username` + `password`). */
export function parseAuthFile(text: string): { creds: OperatorCredentials; warnings: string[] } {
	const creds: OperatorCredentials = new Map();
	const warnings: string[] = [];
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		throw new Error('REGSCOPE_AUTH_FILE is not valid JSON');
	}
	const auths = (json as { auths?: unknown } | null)?.auths;
	if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) {
		throw new Error('REGSCOPE_AUTH_FILE has no "auths" object');
	}
	for (const [key, value] of Object.entries(auths as Record<string, unknown>)) {
		const host = normalizeAuthKey(key);
		const e = (value ?? {}) as Record<string, unknown>;
		let username: string | undefined;
		let password: string | undefined;
		if (typeof e.auth === 'string' && e.auth !== '') {
			const raw = base64Decode(e.auth.trim());
			const text = raw ? new TextDecoder().decode(raw) : '';
			const colon = text.indexOf(':');
			if (colon > 0) {
				username = text.slice(0, colon);
				password = text.slice(colon + 1);
			}
		} else if (typeof e.username === 'string' && typeof e.password === 'string') {
			username = e.username;
			password = e.password;
		}
		if (username === undefined || password === undefined || CONTROL.test(username + password)) {
			// Name the host only: never the value.
			warnings.push(`REGSCOPE_AUTH_FILE: the entry for ${host} has no usable username and password; ignored`);
			continue;
		}
		creds.set(host, { username, password });
	}
	return { creds, warnings };
}

let loaded: { path: string; creds: OperatorCredentials } | undefined;

/** The operator credentials for `registry` (as written in the reference: `docker.io`, `host:port`). */
export function operatorCredentials(authFile: string | undefined, registry: string): BasicCredentials | undefined {
	if (!authFile) return undefined;
	if (loaded?.path !== authFile) {
		let text: string;
		try {
			text = readFileSync(authFile, 'utf8');
		} catch (e) {
			throw new Error(`REGSCOPE_AUTH_FILE ${authFile} cannot be read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { cause: e });
		}
		const { creds, warnings } = parseAuthFile(text);
		for (const w of warnings) console.warn(`[settings] ${w}`);
		loaded = { path: authFile, creds };
	}
	return loaded.creds.get(normalizeAuthKey(registry));
}
