/** What the search box does with what was typed: parse it in the browser, or say what is wrong. */
import { isRegscopeError } from '$lib/oci/errors';
import { parseReference } from '$lib/oci/reference';
import { permalink } from './permalink';

export type Lookup = { ok: true; href: string } | { ok: false; message: string };

/** Accepts what people paste: `alpine`, `docker://alpine`, `docker pull alpine:3.20`. */
export function cleanInput(input: string): string {
	return input
		.trim()
		.replace(/^(?:docker|podman|nerdctl)\s+pull\s+/i, '')
		.replace(/^docker:\/\//i, '')
		.trim();
}

export function lookup(input: string): Lookup {
	const cleaned = cleanInput(input);
	if (!cleaned) return { ok: false, message: 'Type an image reference, for example alpine:3.20.' };
	try {
		return { ok: true, href: permalink(parseReference(cleaned)) };
	} catch (e) {
		if (isRegscopeError(e)) return { ok: false, message: e.message };
		throw e;
	}
}
