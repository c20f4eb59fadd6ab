/**
 * One page of a registry's `/v2/_catalog` (`{"repositories": […]}`), untrusted bytes in, repository names
 * out. Entries that are not valid repository names are dropped and counted, as tag lists are.
 */
import { RegscopeError } from './errors';
import { decodeJson } from './fields';

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export interface CatalogList {
	repositories: string[];
	dropped: number;
}

export function isRepositoryName(s: string): boolean {
	return s.length <= 255 && REPOSITORY.test(s);
}

export function parseCatalog(bytes: Uint8Array): CatalogList {
	const untrusted = decodeJson(bytes, 'repository catalog', 'UPSTREAM_ERROR');
	if (typeof untrusted !== 'object' || untrusted === null || Array.isArray(untrusted)) {
		throw new RegscopeError('UPSTREAM_ERROR', "the registry's repository catalog is not a JSON object");
	}
	const { repositories } = untrusted as Record<string, unknown>;
	if (repositories != null && !Array.isArray(repositories)) {
		throw new RegscopeError('UPSTREAM_ERROR', 'the repository catalog has a "repositories" field that is not an array');
	}
	const entries: unknown[] = repositories ?? [];
	const kept = entries.filter((r): r is string => typeof r === 'string' && isRepositoryName(r));
	return { repositories: kept, dropped: entries.length - kept.length };
}
