/**
 * `GET /api/referrers` against the seeded registry (registry 2.8: no referrers API, so the fallback tag,
 * cosign tags and buildx paths) and against tests/support/referrers-registry.ts (the referrers API, with
 * paging, the artifactType filter, a listed manifest that does not exist).
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { supplyFixtures } from '../fixtures/supply';
import { multiFixtures } from '../fixtures/supply-multi';
import { startBadRegistry, type BadRegistry } from '../support/bad-registry';
import { startReferrersRegistry, type ReferrersRegistry } from '../support/referrers-registry';
import { useApp } from '../support/extra-app';
import type { ReferrersReport } from '../../src/lib/oci/supply/referrers';

const appUrl = inject('appUrl');
const registry = inject('registry');
const registryUrl = inject('registryUrl');
const fixtures = inject('fixtures');
const { fixtures: f, indexes } = supplyFixtures();

let api: ReferrersRegistry;
let bad: BadRegistry;
beforeAll(async () => {
	api = await startReferrersRegistry(registryUrl, indexes);
	bad = await startBadRegistry();
});
afterAll(async () => {
	await api?.stop();
	await bad?.close();
});

async function referrers(ref: string, extra = ''): Promise<{ status: number; body: ReferrersReport }> {
	const res = await fetch(`${appUrl}/api/referrers?ref=${encodeURIComponent(ref)}${extra}`);
	return { status: res.status, body: (await res.json()) as ReferrersReport };
}

const step = (r: ReferrersReport, path: string) => r.Discovery.find((d) => d.Path === path)?.Result ?? '';
const byDigest = (r: ReferrersReport, d: string) => r.Referrers.find((x) => x.Digest === d);

describe('registry without the referrers API', () => {
	test('fallback tag, cosign tags, each path reported; wrong subject flagged', async () => {
		const { status, body } = await referrers(`${registry}/${f.repository}:latest`);
		expect(status).toBe(200);
		expect(body.Subject).toBe(f.digest);
		expect(step(body, 'referrers-api')).toBe('not supported by this registry (404)');
		expect(step(body, 'fallback-tag')).toBe(`4 referrers (tag ${f.fallbackTag})`);
		expect(step(body, 'cosign-tag')).toBe('signature, attestation');
		expect(step(body, 'buildx')).toBe('not an index');

		const sig = body.Referrers.find((r) => r.Tag === f.signatureTag);
		expect(sig).toMatchObject({ Kind: 'signature', Source: 'cosign-tag', Describes: f.digest });
		expect(sig?.Documents).toHaveLength(4);
		expect(sig?.Problem).toBeUndefined();
		const att = body.Referrers.find((r) => r.Tag === f.attestationTag);
		expect(att).toMatchObject({ Kind: 'attestation', Source: 'cosign-tag' });
		expect(att?.Documents.map((d) => d.PredicateType)).toEqual(['https://slsa.dev/provenance/v1', 'https://spdx.dev/Document']);

		expect(byDigest(body, f.cyclonedx)).toMatchObject({
			Kind: 'sbom',
			Source: 'fallback-tag',
			ArtifactType: 'application/vnd.cyclonedx+json',
			Describes: f.digest
		});
		expect(byDigest(body, f.cyclonedx)?.Problem).toBeUndefined();
		expect(byDigest(body, f.overCap)?.Documents[0]?.Size).toBe(40 * 1024 * 1024);
		expect(byDigest(body, f.wrongSubject)?.Problem).toContain(f.otherDigest);
		const bundle = body.Referrers.find((r) => r.ArtifactType === 'application/vnd.dev.sigstore.bundle.v0.3+json');
		expect(bundle).toMatchObject({ Kind: 'signature', Source: 'fallback-tag', Describes: f.digest });
		expect(bundle?.Problem).toBeUndefined();
		expect(body.Referrers).toHaveLength(6);
	});

	test('an image with no referrers says so on every path', async () => {
		const { status, body } = await referrers(`${registry}/${f.repository}:other`);
		expect(status).toBe(200);
		expect(body.Referrers).toEqual([]);
		expect(body.Discovery.map((d) => d.Result)).toEqual([
			'not supported by this registry (404)',
			`no tag sha256-${f.otherDigest.slice(7)}`,
			'none',
			'not an index'
		]);
	});
});

describe('registry with the referrers API', () => {
	test('pages followed, deduplicated with the fallback tag, a missing manifest reported', async () => {
		const { status, body } = await referrers(`${api.host}/${f.repository}@${f.digest}`);
		expect(status).toBe(200);
		expect(step(body, 'referrers-api')).toBe('3 referrers');
		expect(api.requests).toContain(`/v2/${f.repository}/referrers/${f.digest}?page=1`);
		expect(step(body, 'fallback-tag')).toBe(`4 referrers (tag ${f.fallbackTag})`);
		const missing = byDigest(body, f.missing);
		expect(missing).toMatchObject({ Source: 'referrers-api', Kind: 'other', ArtifactType: 'application/vnd.example.gone' });
		expect(missing?.Problem).toBe('listed, but the registry does not have this manifest (404)');
		expect(byDigest(body, f.cyclonedx)?.Source).toBe('referrers-api');
		expect(byDigest(body, f.wrongSubject)?.Source).toBe('fallback-tag');
		expect(body.Referrers.filter((r) => r.Digest === f.cyclonedx)).toHaveLength(1);
		expect(body.Referrers).toHaveLength(6);
	});

	test('artifactType filter: applied by the registry and to every path', async () => {
		const type = 'application/vnd.cyclonedx+json';
		const { body } = await referrers(`${api.host}/${f.repository}@${f.digest}`, `&artifactType=${encodeURIComponent(type)}`);
		expect(step(body, 'referrers-api')).toBe(`1 referrer of type ${type}`);
		expect(body.Referrers.map((r) => r.Digest)).toEqual([f.cyclonedx]);
	});
});

describe('buildx attestation manifests', () => {
	const buildx = fixtures['buildx-attestations'];
	test('all of the index, then only the chosen platform', async () => {
		const all = await referrers(`${registry}/${buildx.repository}:latest`);
		expect(all.status).toBe(200);
		expect(step(all.body, 'buildx')).toBe('2 attestation manifests');
		expect(all.body.Referrers.every((r) => r.Kind === 'attestation' && r.Source === 'buildx' && !r.Problem)).toBe(true);

		const arm = await referrers(`${registry}/${buildx.repository}:latest`, '&platform=linux/arm64');
		expect(arm.body.Platform).toBe('linux/arm64');
		expect(arm.body.Subject).not.toBe(all.body.Subject);
		expect(arm.body.Referrers).toHaveLength(1);
		expect(arm.body.Referrers[0]?.Describes).toBe(arm.body.Subject);
	});
});

describe('a multi-platform image with referrers at both levels', () => {
	const m = multiFixtures();
	test("the index: its cosign signature and every platform's attestation", async () => {
		const { body } = await referrers(`${registry}/${m.repository}:latest`);
		expect(body.Subject).toBe(m.index);
		expect(step(body, 'cosign-tag')).toBe('signature');
		expect(step(body, 'buildx')).toBe('2 attestation manifests');
		expect(
			body.Referrers.filter((r) => r.Source === 'buildx')
				.map((r) => r.Describes)
				.sort()
		).toEqual([m.amd64, m.arm64].sort());
		expect(body.Referrers.every((r) => !r.Problem)).toBe(true);
	});

	test("a platform image: cosign's .sbom tag and Notation signatures by the fallback tag", async () => {
		const { body } = await referrers(`${registry}/${m.repository}@${m.arm64}`);
		expect(body.Subject).toBe(m.arm64);
		expect(step(body, 'cosign-tag')).toBe('SBOM');
		expect(step(body, 'fallback-tag')).toBe(`2 referrers (tag sha256-${m.arm64.slice(7)})`);
		const sbom = body.Referrers.find((r) => r.Source === 'cosign-tag');
		expect(sbom).toMatchObject({ Kind: 'sbom', Tag: `sha256-${m.arm64.slice(7)}.sbom`, Describes: m.arm64 });
		expect(sbom?.Documents.map((d) => d.MediaType)).toEqual(['text/spdx+json']);
		const notation = body.Referrers.filter((r) => r.ArtifactType === 'application/vnd.cncf.notary.signature');
		expect(notation.map((r) => r.Kind)).toEqual(['signature', 'signature']);
		expect(notation.every((r) => r.Describes === m.arm64 && !r.Problem && r.Documents[0]?.MediaType === 'application/jose+json')).toBe(
			true
		);

		const amd = await referrers(`${registry}/${m.repository}@${m.amd64}`);
		expect(amd.body.Referrers).toEqual([]);
	});
});

describe("the server's per-call budget", () => {
	// A fallback index of 1.5 MiB, more than a 1 MiB call budget allows.
	const hex = f.otherDigest.slice(7);
	const filler = 'x'.repeat(1024);
	const manifests = Array.from({ length: 1500 }, (_, i) => ({
		mediaType: 'application/vnd.oci.image.manifest.v1+json',
		digest: `sha256:${String(i).padStart(64, '0')}`,
		size: 2,
		annotations: { filler }
	}));
	const big = new TextEncoder().encode(
		JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests })
	);
	let large: ReferrersRegistry;
	beforeAll(async () => {
		large = await startReferrersRegistry(registryUrl, {
			api: {},
			tags: { [`${f.repository}:sha256-${hex}`]: { bytes: big, mediaType: 'application/vnd.oci.image.index.v1+json' } }
		});
	});
	afterAll(async () => {
		await large?.stop();
	});
	const small = useApp({ REGSCOPE_CALL_MB: '1' });

	test('discovery reads count against it: the path that goes past it says so, nothing more is read', async () => {
		const res = await fetch(`${small.url}/api/referrers?ref=${encodeURIComponent(`${large.host}/${f.repository}@${f.otherDigest}`)}`);
		expect(res.status).toBe(200);
		const body = (await res.json()) as ReferrersReport;
		expect(step(body, 'fallback-tag')).toContain('past the 1 MiB of registry data this server reads for one request');
		expect(step(body, 'cosign-tag')).toContain('past the 1 MiB');
		expect(body.Referrers).toEqual([]);
	});
});

test('errors are JSON with a code', async () => {
	const res = await fetch(`${appUrl}/api/referrers`);
	expect(res.status).toBe(400);
	expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
	const bad = await fetch(
		`${appUrl}/api/referrers?ref=${encodeURIComponent(`${registry}/${f.repository}:latest`)}&artifactType=${encodeURIComponent('not a type')}`
	);
	expect(bad.status).toBe(400);
});

describe('document proxy', () => {
	const repo = `${registry}/${f.repository}`;
	test('needs the proxy header, refuses a size over the cap, relays bytes the page verifies', async () => {
		const overCap = await fetch(
			`${appUrl}/api/registry/document?ref=${encodeURIComponent(repo)}&digest=${f.cyclonedx}&size=${40 * 1024 * 1024}`,
			{ headers: { 'X-Registry-Proxy': '1' } }
		);
		expect(overCap.status).toBe(502);
		expect(((await overCap.json()) as { error: { code: string } }).error.code).toBe('BLOB_TOO_LARGE');
		const noHeader = await fetch(`${appUrl}/api/registry/document?ref=${encodeURIComponent(repo)}&digest=${f.cyclonedx}&size=10`);
		expect(noHeader.status).toBe(403);
		const report = (await referrers(`${registry}/${f.repository}:latest`)).body;
		const doc = byDigest(report, f.cyclonedx)!.Documents[0]!;
		const res = await fetch(`${appUrl}/api/registry/document?ref=${encodeURIComponent(repo)}&digest=${doc.Digest}&size=${doc.Size}`, {
			headers: { 'X-Registry-Proxy': '1' }
		});
		expect(res.status).toBe(200);
		expect(res.headers.get('content-disposition')).toBe('attachment');
		const bytes = new Uint8Array(await res.arrayBuffer());
		expect(bytes.length).toBe(doc.Size);
		expect(JSON.parse(new TextDecoder().decode(bytes)).bomFormat).toBe('CycloneDX');
	});
});

test('a registry answering every tag with the image itself lists nothing twice', async () => {
	const { status, body } = await referrers(`${bad.host}/paged/img:a`);
	expect(status).toBe(200);
	expect(step(body, 'cosign-tag')).toBe(
		'sig: the tag names the image itself, att: the tag names the image itself, sbom: the tag names the image itself'
	);
	expect(body.Referrers).toEqual([]);
});
