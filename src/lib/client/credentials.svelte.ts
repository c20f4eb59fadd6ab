/**
 * Credentials for ONE registry host, typed into the page's credentials panel. Kept in memory; only when
 * the user opts in ("remember for this tab") also in sessionStorage. Never in URLs, permalinks,
 * localStorage or cookies. Sent per request as `X-Registry-Authorization`, and only for the host they
 * were saved for.
 */
import { CREDENTIALS_HEADER } from '$lib/api-contract';
import { base64Encode } from '$lib/oci/base64';

const STORAGE_KEY = 'regscope.credentials';

export interface SavedCredentials {
	/** The registry as references spell it: `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
	host: string;
	/** Empty: the secret is a bearer token. */
	username: string;
	secret: string;
}

function normalHost(host: string): string {
	return host.trim().toLowerCase();
}

function session(): Storage | null {
	try {
		return typeof sessionStorage === 'undefined' ? null : sessionStorage;
	} catch {
		return null;
	}
}

function fromStorage(): SavedCredentials | null {
	try {
		const raw = session()?.getItem(STORAGE_KEY);
		if (!raw) return null;
		const v = JSON.parse(raw) as Partial<SavedCredentials>;
		if (typeof v.host !== 'string' || typeof v.username !== 'string' || typeof v.secret !== 'string') return null;
		return { host: v.host, username: v.username, secret: v.secret };
	} catch {
		return null;
	}
}

class CredentialStore {
	current = $state.raw<SavedCredentials | null>(null);
	remember = $state(false);
	/** Bumped on every save or clear, so views can re-run their requests. */
	version = $state(0);
	#loaded = false;

	/** Reads what "remember for this tab" kept, once, in the browser. */
	load(): void {
		if (this.#loaded) return;
		this.#loaded = true;
		const saved = fromStorage();
		if (saved && !this.current) {
			this.current = saved;
			this.remember = true;
		}
	}

	save(c: SavedCredentials, remember: boolean): void {
		const next = { host: normalHost(c.host), username: c.username, secret: c.secret };
		this.current = next;
		this.remember = remember;
		const s = session();
		try {
			if (remember) s?.setItem(STORAGE_KEY, JSON.stringify(next));
			else s?.removeItem(STORAGE_KEY);
		} catch {
			/* storage refused: memory only */
		}
		this.version++;
	}

	clear(): void {
		this.current = null;
		this.remember = false;
		try {
			session()?.removeItem(STORAGE_KEY);
		} catch {
			/* nothing stored */
		}
		this.version++;
	}

	/** The credentials for this registry host, if any were saved for it. */
	for(host: string): SavedCredentials | null {
		this.load();
		const c = this.current;
		return c && c.secret && c.host === normalHost(host) ? c : null;
	}
}

export const credentials = new CredentialStore();

/** The `X-Registry-Authorization` value for a host with a username (Basic) or a token only (Bearer). */
export function authorizationValue(c: SavedCredentials): string {
	return c.username ? `Basic ${base64Encode(new TextEncoder().encode(`${c.username}:${c.secret}`))}` : `Bearer ${c.secret}`;
}

/** The header value for requests about `host`, or undefined when no credentials are saved for it. */
export function authorizationFor(host: string): string | undefined {
	const c = credentials.for(host);
	return c ? authorizationValue(c) : undefined;
}

/** Headers to add to a proxy request about `host` (empty when no credentials are saved for it). */
export function authHeadersFor(host: string): Record<string, string> {
	const v = authorizationFor(host);
	return v ? { [CREDENTIALS_HEADER]: v } : {};
}
