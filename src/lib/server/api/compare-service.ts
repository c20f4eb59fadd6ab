/**
 * `GET /api/compare?a=REF&b=REF[&platformA=…&platformB=…]`: two images inspected exactly as
 * `/api/inspect` does (the core's `inspect` over the cached source, every object verified) and compared
 * with the core's `compareInspections`. The answer is `toCompareJson`: the same sections the page shows.
 */
import { CREDENTIALS_HEADER } from '$lib/api-contract';
import { compareInspections, toCompareJson } from '$lib/oci/compare';
import { RegscopeError } from '$lib/oci/errors';
import { inspect } from '$lib/oci/inspect';
import type { Inspection, Reference } from '$lib/oci/model';
import { parsePlatform } from '$lib/oci/platform';
import { parseReference } from '$lib/oci/reference';
import { cachedRegistrySource, isCredentialed } from '../cache/cached-source';
import type { RegistrySourceOptions } from '../registry/client';
import { json, sourceOptions, type Answer, type ApiCall } from './answer';
import { requireParam } from './respond';
import { compareFilesJson } from './compare-files-service';

export interface CompareRequest {
	a: string;
	b: string;
	platformA?: string;
	platformB?: string;
	/** `files=1`: also compare the final filesystems (compare-files-service). */
	files?: boolean;
}

function optionalPlatform(url: URL, name: string): string | undefined {
	const v = url.searchParams.get(name)?.trim();
	if (!v) return undefined;
	try {
		parsePlatform(v);
	} catch (e) {
		// Say which side's platform is wrong: both parameters take the same form.
		if (e instanceof RegscopeError) throw new RegscopeError(e.code, `${name}: ${e.message}`, e.details);
		throw e;
	}
	return v;
}

export function parseCompareQuery(url: URL): CompareRequest {
	const req: CompareRequest = { a: requireParam(url, 'a'), b: requireParam(url, 'b') };
	const platformA = optionalPlatform(url, 'platformA');
	const platformB = optionalPlatform(url, 'platformB');
	if (platformA) req.platformA = platformA;
	if (platformB) req.platformB = platformB;
	if (url.searchParams.get('files') === '1') req.files = true;
	return req;
}

function side(name: 'a' | 'b', input: string): Reference {
	try {
		return parseReference(input);
	} catch (e) {
		if (e instanceof RegscopeError) throw new RegscopeError(e.code, `${name}: ${e.message}`, e.details);
		throw e;
	}
}

async function inspectSide(ref: Reference, platform: string | undefined, opts: RegistrySourceOptions): Promise<Inspection> {
	const source = cachedRegistrySource(ref, opts);
	return inspect(source, ref, platform === undefined ? {} : { platform });
}

/**
 * `GET /api/compare`. User credentials belong to one registry: they are accepted only when both
 * references are on it, so they never reach the other side's registry. Both sides pinned by digest and
 * anonymous → `immutable`; otherwise revalidated; with credentials private.
 */
export async function compareImages(call: ApiCall): Promise<Answer> {
	const r = parseCompareQuery(call.url);
	const a = side('a', r.a);
	const b = side('b', r.b);
	const opts = sourceOptions(call);
	const credentialed = isCredentialed(opts);
	if (credentialed && a.registry !== b.registry) {
		throw new RegscopeError(
			'INVALID_REQUEST',
			`${CREDENTIALS_HEADER} is for one registry, but a is on ${a.registry} and b on ${b.registry}: compare images of one registry, or send no credentials`
		);
	}
	const [ia, ib] = await Promise.all([inspectSide(a, r.platformA, opts), inspectSide(b, r.platformB, opts)]);
	const body = toCompareJson(ia, ib, compareInspections(ia, ib));
	const files = r.files ? await compareFilesJson(ia, ib, { ...opts, client: call.client, signal: call.signal }) : undefined;
	return json(files ? { ...body, Files: files } : body, a.digest && b.digest ? 'immutable' : 'revalidate');
}
