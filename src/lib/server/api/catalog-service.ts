/**
 * `GET /api/catalog?registry=HOST[:PORT][&n=&last=]`: one page of a registry's repositories. One upstream
 * page per call (the page asks for more with `last`), so a huge catalog costs the server nothing it did
 * not ask for. Never cached: repositories come and go, and the answer is small.
 */
import { RegscopeError } from '$lib/oci/errors';
import { parseReference } from '$lib/oci/reference';
import { createRegistrySource } from '../registry/client';
import { json, sourceOptions, type Answer, type ApiCall } from './answer';
import { requireParam } from './respond';

export const CATALOG_PAGE_DEFAULT = 100;
export const CATALOG_PAGE_MAX = 1000;

/** Registries known to refuse `/v2/_catalog` to everyone: answered without asking them. */
const NO_CATALOG = new Set(['docker.io']);

export interface CatalogRequest {
	registry: string;
	n: number;
	last?: string;
}

export function parseCatalogQuery(url: URL): CatalogRequest {
	const raw = requireParam(url, 'registry').trim();
	// The reference grammar's host rule, and its Docker Hub aliases (index.docker.io → docker.io).
	let registry: string;
	try {
		registry = parseReference(`${raw}/x`).registry;
	} catch {
		throw new RegscopeError(
			'INVALID_REQUEST',
			`"${raw.slice(0, 80)}" is not a registry host: write host or host:port, for example registry.corp:5000`
		);
	}
	// `alpine/x` parses as a Docker Hub repository: only a host that stays the registry is one.
	if (raw.includes('/') || (registry !== raw && raw !== 'index.docker.io')) {
		throw new RegscopeError(
			'INVALID_REQUEST',
			`"${raw.slice(0, 80)}" is not a registry host: write host or host:port, for example registry.corp:5000`
		);
	}
	const nText = url.searchParams.get('n')?.trim();
	if (nText !== undefined && nText !== '' && !/^\d{1,6}$/.test(nText)) {
		throw new RegscopeError('INVALID_REQUEST', 'the query parameter "n" must be a positive integer');
	}
	const n = nText ? Math.min(Math.max(Number(nText), 1), CATALOG_PAGE_MAX) : CATALOG_PAGE_DEFAULT;
	const last = url.searchParams.get('last')?.trim();
	if (last && last.length > 255) throw new RegscopeError('INVALID_REQUEST', 'the query parameter "last" is too long');
	return { registry, n, ...(last ? { last } : {}) };
}

export async function catalogPage(call: ApiCall): Promise<Answer> {
	const req = parseCatalogQuery(call.url);
	if (NO_CATALOG.has(req.registry)) {
		throw new RegscopeError(
			'FORBIDDEN',
			`registry ${req.registry} does not list its repositories to anyone; open a repository by its name instead`,
			{ catalog: 'refused' }
		);
	}
	// A source needs a repository; the catalog call uses only its registry (and its own token scope).
	const source = createRegistrySource({ registry: req.registry, repository: 'catalog' }, sourceOptions(call));
	if (!source.catalog) throw new RegscopeError('INTERNAL_ERROR', 'this registry client cannot list catalogs');
	const page = await source.catalog({ n: req.n, ...(req.last ? { last: req.last } : {}) });
	return json(
		{
			Registry: req.registry,
			Repositories: page.repositories,
			Next: page.next,
			...(page.dropped > 0 ? { Warnings: [`${page.dropped} invalid repository names were dropped`] } : {})
		},
		'no-store'
	);
}
