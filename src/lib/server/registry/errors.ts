/** A registry's non-success answer as a RegscopeError: what it said (cleaned of secrets), and what to do. */
import { RegscopeError } from '$lib/oci/errors';
import { untrustedText } from '$lib/oci/text';
import { header } from '../net/headers';
import type { UpstreamResponse } from '../net/http';
import { retryAfterMs } from '../net/retry';
import { isBasic, type Credentials } from './credentials';
import { scrubSecrets } from './redact';

/**
 * The first `errors[]` entry of an OCI error body, when the body is one, cleaned of credentials (`secrets`
 * and anything shaped like one) before it is shortened, so a cut cannot leave half a secret behind.
 */
export function registryErrorDetail(body: Uint8Array, secrets: readonly string[] = []): { code?: string; message?: string } | null {
	if (body.byteLength === 0) return null;
	try {
		const j = JSON.parse(new TextDecoder().decode(body)) as { errors?: unknown };
		const first = Array.isArray(j?.errors) ? (j.errors[0] as Record<string, unknown> | undefined) : undefined;
		if (!first || typeof first !== 'object') return null;
		return {
			code: typeof first.code === 'string' ? untrustedText(scrubSecrets(first.code, secrets), 40) : undefined,
			message: typeof first.message === 'string' ? untrustedText(scrubSecrets(first.message, secrets)) : undefined
		};
	} catch {
		return null;
	}
}

/** `; retry after N s` when the registry said how long to wait, else nothing. */
function retryAfter(res: UpstreamResponse): string {
	const ms = retryAfterMs(header(res.headers, 'retry-after'));
	return ms === null ? '' : `; retry after ${Math.min(Math.round(ms / 1000), 86_400)} s`;
}

function said(res: UpstreamResponse, secrets: readonly string[] = []): string | undefined {
	const detail = registryErrorDetail(res.body, secrets);
	return detail?.message ?? detail?.code;
}

export interface Failure {
	registry: string;
	repo: string;
	what: 'manifest' | 'blob' | 'tags';
	/** The tag or digest asked for ('' for a tag list). */
	target: string;
	/** The user's own credentials, when they sent any. */
	credentials?: Credentials;
	secrets: readonly string[];
}

/** A failed manifest, blob or tag list request: UNAUTHORIZED, NOT_FOUND, TOO_MANY_REQUESTS or UPSTREAM_ERROR. */
export function registryError(res: UpstreamResponse, f: Failure): RegscopeError {
	const text = said(res, f.secrets);
	const status = res.status;
	const { registry, repo, target } = f;
	const byDigest = f.what === 'blob' || target.includes('@') || /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(target);
	const subject = f.what === 'tags' ? repo : byDigest ? `${repo}@${target}` : `${repo}:${target}`;
	if ((status === 401 || status === 403) && f.credentials) {
		const who = isBasic(f.credentials) ? `for user "${untrustedText(f.credentials.username, 64)}"` : '(a token)';
		return new RegscopeError(
			'UNAUTHORIZED',
			`registry ${registry} did not accept the credentials given ${who} for ${repo} (HTTP ${status}${text ? `: ${text}` : ''}): check the username and password or token`,
			{ status }
		);
	}
	if (status === 401 || status === 403) {
		return new RegscopeError(
			'UNAUTHORIZED',
			`registry ${registry} refused access to ${repo} (HTTP ${status}${text ? `: ${text}` : ''}): credentials are needed to read it`,
			{ status }
		);
	}
	if (status === 404) {
		const fallback = f.what === 'manifest' ? 'manifest unknown' : f.what === 'blob' ? 'blob unknown' : 'repository unknown';
		return new RegscopeError('NOT_FOUND', `${text ?? fallback}: ${subject} not found on ${registry}`, { status });
	}
	if (status === 429) {
		return new RegscopeError(
			'TOO_MANY_REQUESTS',
			`registry ${registry} is rate limiting requests (HTTP 429${text ? `: ${text}` : ''})${retryAfter(res)}`,
			{ status }
		);
	}
	const label = f.what === 'tags' ? `the tag list of ${repo}` : `${f.what} ${subject}`;
	return new RegscopeError(
		'UPSTREAM_ERROR',
		`registry ${registry} answered HTTP ${status} for ${label}${text ? `: ${text}` : ''}${status === 503 ? retryAfter(res) : ''}`,
		{ status }
	);
}

/** A catalog the registry will not list: said plainly, with the status it answered. */
export function catalogRefused(registry: string, res: UpstreamResponse, credentials: boolean): RegscopeError {
	const status = res.status;
	const text = said(res);
	const because = `HTTP ${status}${text ? `: ${text}` : ''}`;
	if (status === 401 || status === 403) {
		return new RegscopeError(
			'UNAUTHORIZED',
			credentials
				? `registry ${registry} does not list its repositories for the credentials given (${because})`
				: `registry ${registry} does not list its repositories to anonymous users (${because}); open a repository by its name instead`,
			{ status, catalog: 'refused' }
		);
	}
	if (status === 404) {
		return new RegscopeError(
			'NOT_FOUND',
			`registry ${registry} does not offer a repository catalog (${because}); open a repository by its name instead`,
			{
				status,
				catalog: 'refused'
			}
		);
	}
	if (status === 429) {
		return new RegscopeError('TOO_MANY_REQUESTS', `registry ${registry} is rate limiting requests (${because})${retryAfter(res)}`, {
			status
		});
	}
	return new RegscopeError('UPSTREAM_ERROR', `registry ${registry} answered ${because} for its repository catalog`, { status });
}
