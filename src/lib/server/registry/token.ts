/** A token service's answer read into a token and the moment it should no longer be used. */
import { isObject } from '$lib/oci/text';

export interface TokenResponse {
	token: string;
	/** Epoch ms after which the token should not be used. */
	expiresAt: number;
}

/** Minimum lifetime (s) and default when absent, as containers/image and regclient do. */
export const MIN_TOKEN_LIFETIME_S = 60;
export const TOKEN_SAFETY_MARGIN_MS = 5_000;

/** Reads a token endpoint's JSON. Pure; exported for tests. */
export function parseTokenResponse(bytes: Uint8Array, receivedAt: number): TokenResponse {
	let json: unknown;
	try {
		json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
	} catch {
		throw new Error('the token response is not JSON');
	}
	if (!isObject(json)) throw new Error('the token response is not a JSON object');
	const o = json;
	const token =
		typeof o.token === 'string' && o.token !== ''
			? o.token
			: typeof o.access_token === 'string' && o.access_token !== ''
				? o.access_token
				: null;
	if (token === null) throw new Error('the token response has no token');
	if (/[\r\n\0]/.test(token)) throw new Error('the token contains control characters');
	let lifetime = typeof o.expires_in === 'number' && Number.isFinite(o.expires_in) ? o.expires_in : MIN_TOKEN_LIFETIME_S;
	if (lifetime < MIN_TOKEN_LIFETIME_S) lifetime = MIN_TOKEN_LIFETIME_S;
	let issued = receivedAt;
	if (typeof o.issued_at === 'string') {
		const t = Date.parse(o.issued_at);
		// ignore issued_at from a skewed clock (future, or so old the token would already be expired)
		if (Number.isFinite(t) && t <= receivedAt && t + lifetime * 1000 > receivedAt + TOKEN_SAFETY_MARGIN_MS) {
			issued = t;
		}
	}
	return { token, expiresAt: issued + lifetime * 1000 - TOKEN_SAFETY_MARGIN_MS };
}
