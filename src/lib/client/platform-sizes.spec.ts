/**
 * PlatformSizes against a fake network (the proxy endpoint answering with registry bytes): the figure
 * is the sum of the layers of a manifest that matched its index entry, and nothing else ever is.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CREDENTIALS_HEADER } from '$lib/api-contract';
import type { Digest, PlatformEntry } from '$lib/oci/model';
import { PlatformSizes } from './platform-sizes.svelte';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}` as Digest;
const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

let serial = 0;
/** A distinct image manifest with layers of the given sizes (distinct, since verified sizes are kept per tab). */
function image(...sizes: number[]): Uint8Array {
	serial++;
	return enc({
		schemaVersion: 2,
		mediaType: OCI_MANIFEST,
		config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(enc({ serial })), size: 2 },
		layers: sizes.map((size, i) => ({
			mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
			digest: sha256(enc({ serial, i })),
			size
		}))
	});
}

function entry(bytes: Uint8Array, label: string, more: Partial<PlatformEntry> = {}): PlatformEntry {
	const mediaType = more.nestedIndex ? OCI_INDEX : OCI_MANIFEST;
	return {
		descriptor: { mediaType, digest: sha256(bytes), size: bytes.byteLength },
		label,
		attestation: false,
		nestedIndex: false,
		selectable: true,
		...more
	};
}

/** The proxy as the page sees it: bytes by digest, or an error body; every request is recorded. */
function network(objects: Map<string, Uint8Array | number>) {
	const requests: { target: string; authorization: string | null }[] = [];
	const fetchFn = (async (url: string, init?: RequestInit) => {
		const u = new URL(url, 'http://app');
		const target = u.searchParams.get('target') ?? '';
		requests.push({ target, authorization: new Headers(init?.headers).get(CREDENTIALS_HEADER) });
		const found = objects.get(target);
		if (found === undefined || typeof found === 'number') {
			const status = typeof found === 'number' ? found : 404;
			const code = status === 401 ? 'UNAUTHORIZED' : 'NOT_FOUND';
			return new Response(JSON.stringify({ error: { code, message: `the registry answered ${status}` } }), { status });
		}
		return new Response(found.slice(), { headers: { 'content-type': OCI_MANIFEST } });
	}) as typeof fetch;
	return { fetchFn, requests };
}

const source = { repo: '127.0.0.1:5000/app' };

describe('PlatformSizes', () => {
	it('sums the layers of each manifest that matches its entry, fetching a repeated one once', async () => {
		const a = image(100, 20, 3);
		const b = image(7);
		const { fetchFn, requests } = network(
			new Map([
				[sha256(a), a],
				[sha256(b), b]
			])
		);
		const sizes = new PlatformSizes(new AbortController().signal, fetchFn);
		const entries = [entry(a, 'linux/amd64'), entry(b, 'linux/arm64'), entry(b, 'linux/arm64 (2)')];
		expect(entries.map((e) => sizes.get(e).state)).toEqual(['checking', 'checking', 'checking']);
		await sizes.check(entries, source);
		expect(entries.map((e) => sizes.get(e))).toMatchObject([
			{ state: 'verified', compressed: 123 },
			{ state: 'verified', compressed: 7 },
			{ state: 'verified', compressed: 7 }
		]);
		expect(requests.map((r) => r.target)).toEqual([sha256(a), sha256(b)]);
	});

	it('shows bytes that do not match the entry as a mismatch, never as a figure', async () => {
		const good = image(5, 5);
		const tampered = good.slice();
		tampered[tampered.length - 2]! ^= 0x01;
		const longer = new Uint8Array([...good, 0x20]);
		const e = entry(good, 'linux/amd64');
		for (const served of [tampered, longer]) {
			const { fetchFn } = network(new Map([[sha256(good), served]]));
			const sizes = new PlatformSizes(new AbortController().signal, fetchFn);
			await sizes.check([e], source);
			const s = sizes.get(e);
			expect(s.state).toBe('mismatch');
			expect(s).not.toHaveProperty('compressed');
		}
	});

	it('says why a manifest could not be had, and a retry asks again', async () => {
		const m = image(40);
		const objects = new Map<string, Uint8Array | number>([[sha256(m), 401]]);
		const { fetchFn, requests } = network(objects);
		const sizes = new PlatformSizes(new AbortController().signal, fetchFn);
		const e = entry(m, 'linux/amd64');
		await sizes.check([e], source);
		expect(sizes.get(e)).toMatchObject({ state: 'failed', reason: 'needs credentials' });
		objects.delete(sha256(m));
		await sizes.retry(e, source);
		expect(sizes.get(e)).toMatchObject({ state: 'failed', reason: 'not found' });
		objects.set(sha256(m), m);
		await sizes.retry(e, source);
		expect(sizes.get(e)).toMatchObject({ state: 'verified', compressed: 40 });
		expect(requests.length).toBe(3);
	});

	it('gives attestations and nested indexes no size, without asking', async () => {
		const m = image(1);
		const { fetchFn, requests } = network(new Map([[sha256(m), m]]));
		const sizes = new PlatformSizes(new AbortController().signal, fetchFn);
		const entries = [entry(m, 'unknown/unknown', { attestation: true }), entry(image(2), 'linux/s390x', { nestedIndex: true })];
		await sizes.check(entries, source);
		expect(entries.map((e) => sizes.get(e))).toEqual([
			{ state: 'none', reason: 'attestation' },
			{ state: 'none', reason: 'nested index' }
		]);
		expect(requests).toEqual([]);
	});

	it('keeps verified sizes for the tab: another table does not fetch them again', async () => {
		const m = image(9, 9);
		const first = network(new Map([[sha256(m), m]]));
		await new PlatformSizes(new AbortController().signal, first.fetchFn).check([entry(m, 'linux/amd64')], source);
		const second = network(new Map());
		const sizes = new PlatformSizes(new AbortController().signal, second.fetchFn);
		await sizes.check([entry(m, 'linux/amd64')], source);
		expect(sizes.get(entry(m, 'linux/amd64'))).toMatchObject({ state: 'verified', compressed: 18 });
		expect(second.requests).toEqual([]);
	});

	it('sends the credentials it is given, and nothing lands after the table is gone', async () => {
		const m = image(3);
		const { fetchFn, requests } = network(new Map([[sha256(m), m]]));
		const stop = new AbortController();
		const sizes = new PlatformSizes(stop.signal, fetchFn);
		const e = entry(m, 'linux/amd64');
		const done = sizes.check([e], { ...source, authorization: 'Basic YWxpY2U6cHc=' });
		stop.abort();
		await done;
		expect(requests).toEqual([{ target: sha256(m), authorization: 'Basic YWxpY2U6cHc=' }]);
		expect(sizes.get(e).state).toBe('checking');
	});
});
