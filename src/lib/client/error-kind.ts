/** Which errors the page treats specially, kept apart from their wording (messages.ts, loaded only on error). */
import type { ErrorCode } from '$lib/oci/errors';

/** true for the codes that mean "the bytes did not match", which the page shows as a mismatch. */
export function isMismatch(code: ErrorCode): boolean {
	return code === 'DIGEST_MISMATCH' || code === 'SIZE_MISMATCH';
}

/** true when credentials could help: the registry said 401 or 403. */
export function credentialsCanHelp(code: ErrorCode | undefined): boolean {
	return code === 'UNAUTHORIZED' || code === 'FORBIDDEN';
}
