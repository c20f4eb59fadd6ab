import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { cachedRegistrySource, repositoryKey } from './cached-source';
import { RegistryCache } from './store';
import type { Upstream, UpstreamRequest, UpstreamResponse } from '../net/http';
import { parseReference } from '$lib/oci/reference';
import { parseSettings } from '../settings';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

const config = enc({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
const manifest = enc({
	schemaVersion: 2,
	mediaType: OCI_MANIFEST,
	config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
	layers: []
});
const digest = sha(manifest);

/** Docker Hub as a fake upstream: records every request; tags are resolved with HEAD there. */
function fakeHub(): { upstream: Upstream; requests: string[] } {
	const settings = parseSettings({});
	const requests: string[] = [];
	const upstream: Upstream = {
		settings,
		async request(url: URL, opts: UpstreamRequest): Promise<UpstreamResponse> {
			const method = opts.method ?? 'GET';
			requests.push(`${method} ${url.pathname}`);
			const headers = { 'content-type': OCI_MANIFEST, 'docker-content-digest': digest };
			const ok = /\/manifests\/(v1|sha256:[a-f0-9]{64})$/.test(url.pathname);
			return {
				status: ok ? 200 : 404,
				headers,
				body: ok && method === 'GET' ? manifest : new Uint8Array(),
				url,
				truncated: false
			};
		},
		close: async () => {}
	};
	return { upstream, requests };
}

describe('cachedRegistrySource: HEAD-resolved tags use the cache (cachedManifest)', () => {
	const ref = parseReference('docker.io/library/demo:v1');

	test('digest already cached → only the (uncounted) HEAD, no manifest GET', async () => {
		const { upstream, requests } = fakeHub();
		const cache = new RegistryCache({ maxBytes: 1 << 20, tagTtlMs: 5000, tagListTtlMs: 30_000 });
		const key = `${repositoryKey(ref, upstream.settings)}/manifests/${digest}`;
		cache.putVerified(key, { bytes: manifest, contentType: OCI_MANIFEST, dockerContentDigest: digest });
		const got = await cachedRegistrySource(ref, { upstream }, cache).manifest('v1');
		expect(requests).toEqual(['HEAD /v2/library/demo/manifests/v1']);
		expect(sha(got.bytes)).toBe(digest);
		expect(cache.stats().hits).toBe(1);
	});

	test('digest not cached → HEAD, then GET by digest (and the result is cached for next time)', async () => {
		const { upstream, requests } = fakeHub();
		const cache = new RegistryCache({ maxBytes: 1 << 20, tagTtlMs: 0, tagListTtlMs: 0 });
		await cachedRegistrySource(ref, { upstream }, cache).manifest('v1');
		expect(requests).toEqual(['HEAD /v2/library/demo/manifests/v1', `GET /v2/library/demo/manifests/${digest}`]);
		requests.length = 0;
		// no tag cache (TTL 0): the tag is resolved again with HEAD, its digest now comes from the cache
		await cachedRegistrySource(ref, { upstream }, cache).manifest('v1');
		expect(requests).toEqual(['HEAD /v2/library/demo/manifests/v1']);
	});

	test('credentialed calls never read the cache', async () => {
		const { upstream, requests } = fakeHub();
		const cache = new RegistryCache({ maxBytes: 1 << 20, tagTtlMs: 5000, tagListTtlMs: 30_000 });
		const key = `${repositoryKey(ref, upstream.settings)}/manifests/${digest}`;
		cache.putVerified(key, { bytes: manifest, contentType: OCI_MANIFEST, dockerContentDigest: digest });
		const credentials = { kind: 'basic', username: 'u', password: 'p' } as never;
		await cachedRegistrySource(ref, { upstream, credentials }, cache).manifest('v1');
		expect(requests).toEqual(['HEAD /v2/library/demo/manifests/v1', `GET /v2/library/demo/manifests/${digest}`]);
	});
});
