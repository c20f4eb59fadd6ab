/**
 * `GET /api/referrers?ref=REF[&platform=…][&artifactType=…]`: every referrer of an image, found by all
 * four paths (supply-chain rules: run them all, dedupe by digest) and each path reported:
 * the referrers API, the referrers fallback tag, cosign's `.sig`/`.att`/`.sbom` tags and BuildKit
 * attestation manifests in the index. Every manifest read here is verified with the core (pinned or
 * by its descriptor's digest and size); the page verifies again what it shows.
 */
import { RegscopeError } from '$lib/oci/errors';
import { verifyManifest } from '$lib/oci/verify';
import type { Descriptor, Digest, ImageManifest, IndexManifest } from '$lib/oci/model';
import { choosePlatform, parsePlatform, platformEntries } from '$lib/oci/platform';
import { formatReference, parseReference, targetOf } from '$lib/oci/reference';
import {
	COSIGN_SUFFIXES,
	cosignTag,
	describeReferrer,
	fallbackTag,
	plural,
	type DiscoveryStep,
	type Referrer,
	type ReferrersReport,
	type Source
} from '$lib/oci/supply/referrers';
import { createRegistrySource, type ReferrersSource, type RegistrySourceOptions, type ServerRegistrySource } from '../registry/client';
import { json, sourceOptions, type Answer, type ApiCall } from './answer';
import { requireParam } from './respond';
import { getSettings } from '../settings';
import { callSignal } from './call-budget';
import { underDeadline } from '../net/deadline';

/** Referrer manifests read per call; more are listed as unread rather than fetched. */
export const MAX_REFERRERS = 64;
/** Referrers API pages followed (each up to the manifest size cap). */
const MAX_PAGES = 10;

export interface ReferrersRequest {
	ref: string;
	platform?: string;
	artifactType?: string;
}

export function parseReferrersQuery(url: URL): ReferrersRequest {
	const req: ReferrersRequest = { ref: requireParam(url, 'ref') };
	const platform = url.searchParams.get('platform');
	const artifactType = url.searchParams.get('artifactType');
	if (platform) req.platform = platform;
	if (artifactType) {
		if (!/^[\w.+-]+\/[\w.+-]+$/.test(artifactType))
			throw new RegscopeError('INVALID_REQUEST', 'artifactType must be a media type such as application/spdx+json');
		req.artifactType = artifactType;
	}
	return req;
}

type Src = ServerRegistrySource & ReferrersSource;

/** A descriptor to read, with how it was found. */
interface Pending {
	descriptor: Descriptor;
	source: Source;
	tag?: string;
	describes?: string;
}

const message = (e: unknown) => (e instanceof RegscopeError ? e.message : 'internal error');
const notFound = (e: unknown) => e instanceof RegscopeError && e.code === 'NOT_FOUND';

async function readIndex(source: Src, target: string): Promise<IndexManifest> {
	const v = await verifyManifest(await source.manifest(target), { basis: 'unpinned' });
	if (v.manifest.kind !== 'index')
		throw new RegscopeError('INVALID_MANIFEST', `${target} is not an index of referrers (it is ${v.mediaType})`);
	return v.manifest;
}

async function viaApi(source: Src, subject: string, artifactType: string | undefined, out: Pending[]): Promise<string> {
	const answer = await source.referrers(subject, artifactType, MAX_PAGES);
	if (!answer.supported) return 'not supported by this registry (404)';
	let n = 0;
	for (const page of answer.pages) {
		const v = await verifyManifest(page, { basis: 'unpinned' });
		if (v.manifest.kind !== 'index') throw new RegscopeError('INVALID_MANIFEST', 'the referrers answer is not an index');
		for (const d of v.manifest.manifests) {
			// Without OCI-Filters-Applied the registry ignored the filter: apply it here.
			if (artifactType && !answer.filtered && d.artifactType !== artifactType) continue;
			out.push({ descriptor: d, source: 'referrers-api', describes: subject });
			n++;
		}
	}
	return `${plural(n, 'referrer')}${artifactType ? ` of type ${artifactType}${answer.filtered ? '' : ' (filtered here: the registry did not)'}` : ''}${answer.truncated ? `; pages after the ${MAX_PAGES}th were not read` : ''}`;
}

async function viaFallbackTag(source: Src, subject: string, out: Pending[]): Promise<string> {
	const tag = fallbackTag(subject);
	try {
		const index = await readIndex(source, tag);
		for (const d of index.manifests) out.push({ descriptor: d, source: 'fallback-tag', tag, describes: subject });
		return `${plural(index.manifests.length, 'referrer')} (tag ${tag})`;
	} catch (e) {
		if (notFound(e)) return `no tag ${tag}`;
		throw e;
	}
}

async function viaCosignTags(source: Src, subject: string, belongsTo: string[], found: Referrer[]): Promise<string> {
	const names: string[] = [];
	for (const suffix of COSIGN_SUFFIXES) {
		const tag = cosignTag(subject, suffix);
		try {
			const v = await verifyManifest(await source.manifest(tag), { basis: 'unpinned' });
			if (v.manifest.kind === 'schema1') throw new RegscopeError('INVALID_MANIFEST', `${tag} is a schema1 manifest`);
			const d: Descriptor = { mediaType: v.mediaType, digest: v.verification.digest, size: v.verification.size };
			// A registry that answers every tag with the same manifest (or with the image itself) names nothing new.
			if (d.digest === subject) {
				names.push(`${suffix}: the tag names the image itself`);
				continue;
			}
			if (found.some((r) => r.Digest === d.digest)) continue;
			found.push({ ...describeReferrer(v.manifest, d, 'cosign-tag', belongsTo, subject), Tag: tag });
			names.push(suffix === 'sig' ? 'signature' : suffix === 'att' ? 'attestation' : 'SBOM');
		} catch (e) {
			if (!notFound(e)) names.push(`${suffix}: ${message(e)}`);
		}
	}
	return names.length ? names.join(', ') : 'none';
}

function viaBuildx(index: IndexManifest | undefined, subject: string, platformChosen: boolean, out: Pending[]): string {
	if (!index) return 'not an index';
	let n = 0;
	for (const e of platformEntries(index)) {
		if (!e.attestation) continue;
		// With a platform chosen, only the attestation of that platform's image belongs here.
		if (platformChosen && e.attests !== subject) continue;
		out.push({ descriptor: e.descriptor, source: 'buildx', describes: e.attests });
		n++;
	}
	return n ? plural(n, 'attestation manifest') : 'none in the index';
}

async function readPending(source: Src, p: Pending, belongsTo: string[]): Promise<Referrer> {
	const d = p.descriptor;
	try {
		const v = await verifyManifest(await source.manifest(d.digest), { basis: 'parent', digest: d.digest, size: d.size });
		if (v.manifest.kind === 'schema1') throw new RegscopeError('INVALID_MANIFEST', 'a schema1 manifest cannot be a referrer');
		const entry = describeReferrer(v.manifest as ImageManifest | IndexManifest, d, p.source, belongsTo, p.describes);
		return p.tag ? { ...entry, Tag: p.tag } : entry;
	} catch (e) {
		const entry: Referrer = {
			Digest: d.digest,
			MediaType: d.mediaType,
			Size: d.size,
			Kind: 'other',
			Source: p.source,
			Documents: [],
			Problem: notFound(e) ? 'listed, but the registry does not have this manifest (404)' : `could not be read: ${message(e)}`
		};
		if (d.artifactType) entry.ArtifactType = d.artifactType;
		if (d.annotations) entry.Annotations = d.annotations;
		if (p.tag) entry.Tag = p.tag;
		if (p.describes) entry.Describes = p.describes;
		return entry;
	}
}

/** Runs discovery for one image; each path's failure is reported in its step, not thrown. */
export function discoverReferrers(req: ReferrersRequest, opts: RegistrySourceOptions = {}): Promise<ReferrersReport> {
	// The call's own deadline (client gone, overall timeout), like every endpoint; its bytes are charged to the call as read.
	return underDeadline(opts.signal ?? callSignal(), getSettings().limits.overallTimeoutMs, (signal) => discover(req, opts, signal));
}

async function discover(req: ReferrersRequest, opts: RegistrySourceOptions, signal: AbortSignal): Promise<ReferrersReport> {
	const ref = parseReference(req.ref);
	const source = createRegistrySource(ref, { ...opts, signal });
	const top = await verifyManifest(
		await source.manifest(targetOf(ref)),
		ref.digest ? { basis: 'pinned', digest: ref.digest } : { basis: 'unpinned' }
	);
	if (top.manifest.kind === 'schema1') throw new RegscopeError('INVALID_REQUEST', 'a Docker schema1 image cannot have referrers');
	const index = top.manifest.kind === 'index' ? top.manifest : undefined;
	let subject: Digest = top.verification.digest;
	let platform: string | undefined;
	const belongsTo: string[] = [subject];
	if (index && req.platform) {
		const chosen = choosePlatform(platformEntries(index), parsePlatform(req.platform));
		subject = chosen.descriptor.digest;
		platform = chosen.label;
		belongsTo.splice(0, 1, subject);
	} else if (index) {
		// The index's own images: their BuildKit attestations belong to this reference too.
		belongsTo.push(
			...platformEntries(index)
				.filter((e) => !e.attestation)
				.map((e) => e.descriptor.digest)
		);
	}

	const pending: Pending[] = [];
	const found: Referrer[] = [];
	const discovery: DiscoveryStep[] = [];
	const step = async (path: Source, run: () => Promise<string> | string) => {
		const before = pending.length + found.length;
		let result: string;
		try {
			result = await run();
		} catch (e) {
			result = `failed: ${message(e)}`;
		}
		discovery.push({ Path: path, Result: result, Found: pending.length + found.length - before });
	};
	await step('referrers-api', () => viaApi(source, subject, req.artifactType, pending));
	await step('fallback-tag', () => viaFallbackTag(source, subject, pending));
	await step('cosign-tag', () => viaCosignTags(source, subject, belongsTo, found));
	await step('buildx', () => viaBuildx(index, subject, platform !== undefined, pending));

	const seen = new Set(found.map((r) => r.Digest));
	const unique = pending.filter((p) => !seen.has(p.descriptor.digest) && (seen.add(p.descriptor.digest), true));
	const toRead = unique.slice(0, MAX_REFERRERS);
	for (let i = 0; i < toRead.length; i += 4) {
		found.push(...(await Promise.all(toRead.slice(i, i + 4).map((p) => readPending(source, p, belongsTo)))));
	}
	for (const p of unique.slice(MAX_REFERRERS)) {
		found.push({
			Digest: p.descriptor.digest,
			MediaType: p.descriptor.mediaType,
			Size: p.descriptor.size,
			Kind: 'other',
			Source: p.source,
			Documents: [],
			Problem: `not read: more than ${MAX_REFERRERS} referrers`
		});
	}
	const referrers = req.artifactType ? found.filter((r) => r.ArtifactType === req.artifactType) : found;
	const report: ReferrersReport = { Subject: subject, Reference: formatReference(ref), Referrers: referrers, Discovery: discovery };
	if (platform) report.Platform = platform;
	return report;
}

/** `GET /api/referrers`: revalidated (new referrers appear under an unchanged digest). */
export async function referrersAnswer(call: ApiCall): Promise<Answer> {
	return json(await discoverReferrers(parseReferrersQuery(call.url), sourceOptions(call)), 'revalidate');
}
