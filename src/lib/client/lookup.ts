/**
 * What the search box does with what was typed: classify it in the browser (registry, repository or
 * image) and open its page, or say what is wrong.
 */
import { isRegscopeError } from '$lib/oci/errors';
import { isRepositoryName } from '$lib/oci/catalog';
import { classifyInput, registryPath } from '$lib/oci/classify';
import { repositoryName } from '$lib/oci/reference';
import { permalink, refPath } from './permalink';

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
	if (!cleaned)
		return { ok: false, message: 'Type an image reference, for example alpine:3.20, or a registry such as registry.corp:5000.' };
	try {
		const c = classifyInput(cleaned);
		if (c.kind === 'registry') return { ok: true, href: refPath(registryPath(c.registry)) };
		if (c.kind === 'repository') return { ok: true, href: refPath(repositoryName(c.ref)) };
		return { ok: true, href: permalink(c.ref) };
	} catch (e) {
		if (isRegscopeError(e)) return { ok: false, message: e.message };
		throw e;
	}
}

/** A repository typed on a registry's page (one that does not list its own): its page, or what is wrong. */
export function repositoryLookup(registry: string, input: string): Lookup {
	const name = input.trim().replace(/^\/+|\/+$/g, '');
	if (!isRepositoryName(name)) {
		return {
			ok: false,
			message: 'A repository name is lowercase letters and digits, with "/", ".", "_" or "-" between them, for example library/alpine.'
		};
	}
	return { ok: true, href: refPath(`${registry}/${name}`) };
}
