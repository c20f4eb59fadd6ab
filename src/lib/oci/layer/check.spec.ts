import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Digest } from '../model';
import { rawTar } from '../../../../tests/fixtures/tar-raw';
import { checkLayer, compressionFor } from './check';
import { ListingBuilder } from './listing';

const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}` as Digest;

function streamOf(bytes: Uint8Array, step = 1000): ReadableStream<Uint8Array> {
	let at = 0;
	return new ReadableStream({
		pull(c) {
			if (at >= bytes.length) return c.close();
			c.enqueue(bytes.slice(at, at + step));
			at += step;
		}
	});
}

const big = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
const tarBytes = rawTar([
	{ flag: '5', name: 'etc/' },
	{ flag: '0', name: 'etc/os-release', data: 'ID=test\n' },
	{ flag: '0', name: 'big.bin', data: big },
	{ flag: '0', name: 'etc/.wh.removed' },
	{ flag: '0', name: 'var/.wh..wh..opq' }
]);
const zstdBytes = new Uint8Array(execFileSync('zstd', ['-q', '-c', '-3'], { input: tarBytes }));
const variants = {
	gzip: { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', blob: new Uint8Array(gzipSync(tarBytes)) },
	zstd: { mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', blob: zstdBytes },
	none: { mediaType: 'application/vnd.oci.image.layer.v1.tar', blob: tarBytes }
};

async function run(blob: Uint8Array, mediaType: string, over: { digest?: Digest; diffId?: Digest | null; size?: number } = {}) {
	const listing = new ListingBuilder();
	let progress = 0;
	const result = await checkLayer({
		body: streamOf(blob),
		digest: over.digest ?? sha(blob),
		size: over.size ?? blob.length,
		mediaType,
		diffId: over.diffId === undefined ? sha(tarBytes) : over.diffId,
		onEntry: (e) => listing.add(e),
		onProgress: (c) => (progress = c)
	});
	return { result, listing: listing.listing(), progress };
}

describe('checkLayer', () => {
	for (const [kind, v] of Object.entries(variants)) {
		it(`verifies a ${kind} layer: digest, diff_id, listing and whiteouts`, async () => {
			const { result, listing, progress } = await run(v.blob, v.mediaType);
			expect(result.problems).toEqual([]);
			expect(result).toMatchObject({
				verdict: 'verified',
				compression: kind,
				compressedSize: v.blob.length,
				uncompressedSize: tarBytes.length
			});
			expect(result.digest).toEqual({ expected: sha(v.blob), actual: sha(v.blob), ok: true });
			expect(result.diffId.actual).toBe(sha(tarBytes));
			expect(progress).toBe(v.blob.length);
			expect(listing.files.map((f) => [f.path, f.size])).toEqual([
				['etc', 0],
				['etc/os-release', 8],
				['big.bin', 300_000]
			]);
			expect(listing.whiteouts).toEqual([
				{ path: 'etc/removed', opaque: false },
				{ path: 'var', opaque: true }
			]);
		});
	}

	it('says mismatch when the bytes do not match the digest', async () => {
		const v = variants.gzip;
		const tampered = v.blob.slice();
		tampered[tampered.length - 20]! ^= 1;
		const { result } = await run(tampered, v.mediaType, { digest: sha(v.blob) });
		expect(result.verdict).toBe('mismatch');
		expect(result.digest.ok).toBe(false);
		expect(result.problems.join(' ')).toContain(`not ${sha(v.blob)}`);
	});

	it("says mismatch when the config's diff_id is wrong although the blob digest matches", async () => {
		const wrong = sha(new TextEncoder().encode('other')) as Digest;
		const { result } = await run(variants.zstd.blob, variants.zstd.mediaType, { diffId: wrong });
		expect(result.digest.ok).toBe(true);
		expect(result.verdict).toBe('mismatch');
		expect(result.problems.join(' ')).toContain(`diff_id is ${wrong}`);
	});

	it('never verifies without a diff_id, nor with a size that differs from the descriptor', async () => {
		expect((await run(variants.gzip.blob, variants.gzip.mediaType, { diffId: null })).result.verdict).toBe('mismatch');
		const short = await run(variants.gzip.blob, variants.gzip.mediaType, { size: variants.gzip.blob.length + 1 });
		expect(short.result.verdict).toBe('mismatch');
		expect(short.result.problems[0]).toMatch(/received \d+ bytes; the manifest lists/);
		const long = await run(variants.gzip.blob, variants.gzip.mediaType, { size: 100 });
		expect(long.result.problems.join(' ')).toMatch(/more than the 100 bytes/);
	});

	it('reports a corrupt compressed stream and a truncated tar without throwing', async () => {
		const garbage = new Uint8Array(5000).fill(3);
		const g = await run(garbage, variants.gzip.mediaType);
		expect(g.result.verdict).toBe('mismatch');
		expect(g.result.problems.join(' ')).toMatch(/not valid gzip data/);
		const cut = tarBytes.subarray(0, 1100);
		const t = await run(new Uint8Array(gzipSync(cut)), variants.gzip.mediaType, { diffId: sha(cut) });
		expect(t.result.verdict).toBe('verified');
		expect(t.result.tar).toBeNull();
		expect(t.result.tarError).toMatch(/offset 1100: the stream ended inside the member at offset 512/);
	});

	it('feeds injected hashers every chunk: the blob hasher as bytes arrive, the tar hasher once read (the buffer given only from gzip)', async () => {
		for (const [kind, v] of Object.entries(variants)) {
			let blobFed = 0;
			let tarFed = 0;
			const owned = new Set<boolean | undefined>();
			const result = await checkLayer({
				body: streamOf(v.blob),
				digest: sha(v.blob),
				size: v.blob.length,
				mediaType: v.mediaType,
				diffId: sha(tarBytes),
				blobHasher: () => ({ update: (c) => void (blobFed += c.length), digest: async () => '0'.repeat(64) }),
				diffHasher: (algorithm) => {
					expect(algorithm).toBe('sha256');
					const h = createHash('sha256');
					return {
						update: (c, own) => {
							tarFed += c.length;
							owned.add(own);
							h.update(c);
						},
						digest: async () => h.digest('hex')
					};
				}
			});
			expect(blobFed).toBe(v.blob.length);
			expect(result.digest.actual).toBe(`sha256:${'0'.repeat(64)}`);
			expect(result.verdict).toBe('mismatch');
			// An uncompressed layer's diff_id is its digest: no second hash.
			expect(tarFed).toBe(kind === 'none' ? 0 : tarBytes.length);
			if (kind !== 'none') expect(result.diffId.ok).toBe(true);
			expect([...owned]).toEqual(kind === 'none' ? [] : [kind === 'gzip']);
		}
	});

	it('refuses media types it cannot decode', () => {
		expect(() => compressionFor('application/vnd.oci.image.layer.v1.tar+gzip+encrypted')).toThrow(/cannot be read here/);
		expect(() => compressionFor('application/octet-stream')).toThrow(/cannot be read here/);
		expect(compressionFor('application/vnd.docker.image.rootfs.diff.tar.gzip')).toBe('gzip');
	});

	it('stops when cancelled', async () => {
		const ac = new AbortController();
		const p = checkLayer({
			body: streamOf(variants.none.blob, 512),
			digest: sha(variants.none.blob),
			size: variants.none.blob.length,
			mediaType: variants.none.mediaType,
			diffId: sha(tarBytes),
			signal: ac.signal,
			onProgress: (c) => c > 2048 && ac.abort()
		});
		await expect(p).rejects.toThrow(/cancelled/);
	});
});
