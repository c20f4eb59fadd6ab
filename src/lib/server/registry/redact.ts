/**
 * Registry-sent text is shown to whoever called the API, who may not be whoever owns the credentials that
 * fetched it (operator credentials serve anonymous callers). A registry, or a proxy in front of it, that
 * echoes the Authorization header it received would hand them over: such text is cleaned first.
 */
import { base64Encode } from '$lib/oci/base64';
import type { Credentials } from './credentials';

const REDACTED = '[redacted]';

/** Authorization-style values (`Basic …`, `Bearer …`) and anything shaped like a JWT. */
const CREDENTIAL_LIKE = [
	/\b(basic|bearer|token)(\s*[:=]?\s*)[A-Za-z0-9._~+/-]{6,}=*/gi,
	/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g
];

/** The strings that give a call's credentials away: the password or token, and the Basic value. */
export function secretsOf(c: Credentials | undefined): string[] {
	if (!c) return [];
	if ('token' in c) return [c.token];
	const pair = `${c.username}:${c.password}`;
	return [c.password, pair, base64Encode(new TextEncoder().encode(pair))];
}

/**
 * `text` without credential-like values or any of `secrets`. A secret too short to replace without
 * mangling the text (under 4 characters) withholds the whole text instead.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const secret of secrets) {
		if (secret === '' || !out.includes(secret)) continue;
		if (secret.length < 4) return '[the registry’s text was withheld: it contained the credentials]';
		out = out.split(secret).join(REDACTED);
	}
	for (const pattern of CREDENTIAL_LIKE) {
		out = out.replace(pattern, (_m, scheme: string | undefined, sep: string | undefined) =>
			scheme === undefined ? REDACTED : `${scheme}${sep ?? ' '}${REDACTED}`
		);
	}
	return out;
}
