import { describe, expect, it } from 'vitest';
import { computeDigest } from '../digest';
import { RegscopeError } from '../errors';
import { inspect, type RegistrySource } from '../inspect';
import { OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST } from '../media-types';
import type { Descriptor, Digest, Inspection, UntrustedObject } from '../model';
import { parseReference } from '../reference';
import { compareInspections } from './compare';
import { toCompareJson } from './json';

const D = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const enc = new TextEncoder();

/** A repository of JSON objects addressed by digest and tag (layers are never fetched by inspect). */
function store() {
	const objects = new Map<string, Uint8Array>();
	const source: RegistrySource = {
		async manifest(target: string): Promise<UntrustedObject> {
			const bytes = objects.get(target);
			if (!bytes) throw new RegscopeError('NOT_FOUND', target);
			const type = (JSON.parse(new TextDecoder().decode(bytes)) as { mediaType: string }).mediaType;
			return { bytes, contentType: type, dockerContentDigest: await computeDigest(bytes) };
		},
		async blob(d: Descriptor): Promise<UntrustedObject> {
			const bytes = objects.get(d.digest);
			if (!bytes) throw new RegscopeError('NOT_FOUND', d.digest);
			return { bytes, contentType: 'application/octet-stream', dockerContentDigest: d.digest };
		}
	};
	async function put(value: unknown, tag?: string) {
		const bytes = enc.encode(JSON.stringify(value));
		const digest = await computeDigest(bytes);
		objects.set(digest, bytes);
		if (tag) objects.set(tag, bytes);
		return { digest, size: bytes.length };
	}
	return { source, put };
}

const layer = (c: string, size: number) => ({ mediaType: OCI_LAYER_GZIP, digest: D(c), size });

async function image(
	s: ReturnType<typeof store>,
	tag: string,
	layers: ReturnType<typeof layer>[],
	diffIds: Digest[],
	env: string[],
	arch = 'amd64'
) {
	const config = await s.put({
		architecture: arch,
		os: 'linux',
		config: { Env: env },
		rootfs: { type: 'layers', diff_ids: diffIds },
		history: diffIds.map((d) => ({ created_by: `ADD ${d.slice(7, 10)}` }))
	});
	return s.put({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_CONFIG, ...config }, layers }, tag);
}

async function inspected(s: ReturnType<typeof store>, tag: string, platform?: string): Promise<Inspection> {
	return inspect(s.source, parseReference(`registry.example/app:${tag}`), platform ? { platform } : {});
}

describe('compareInspections', () => {
	it('two tags of one image are identical everywhere', async () => {
		const s = store();
		await image(s, 'x', [layer('1', 10)], [D('a')], ['A=1']);
		await image(s, 'y', [layer('1', 10)], [D('a')], ['A=1']);
		const c = compareInspections(await inspected(s, 'x'), await inspected(s, 'y'));
		expect(c.identical).toEqual({ digest: true, manifest: true, config: true, layers: true, layerContent: true });
		expect(c.config).toEqual([]);
	});

	it('recompressed layers: same config, same content, other digests; the JSON keeps both digests', async () => {
		const s = store();
		await image(s, 'x', [layer('1', 10), layer('2', 20)], [D('a'), D('b')], ['A=1']);
		await image(s, 'y', [layer('1', 10), layer('9', 23)], [D('a'), D('b')], ['A=1']);
		const a = await inspected(s, 'x');
		const b = await inspected(s, 'y');
		const c = compareInspections(a, b);
		expect(c.identical).toEqual({ digest: false, manifest: false, config: true, layers: false, layerContent: true });
		const json = toCompareJson(a, b, c);
		expect(json.Layers.Shared[1]).toMatchObject({
			DigestA: D('2'),
			DigestB: D('9'),
			DiffID: D('b'),
			MatchedBy: 'diff_id',
			SizeA: 20,
			SizeB: 23
		});
		expect(json.Layers.SizeDelta).toBe(3);
		expect(json.A.Reference).toBe('registry.example/app:x');
	});

	it('two indexes: platform sets compared, each side on its own platform', async () => {
		const s = store();
		const amd = await image(s, 'amd', [layer('1', 10)], [D('a')], ['A=1']);
		const arm = await image(s, 'arm', [layer('2', 10)], [D('b')], ['A=1'], 'arm64');
		const armB = await image(s, 'armB', [layer('3', 10)], [D('c')], ['A=2'], 'arm64');
		const entry = (m: { digest: string; size: number }, architecture: string) => ({
			mediaType: OCI_MANIFEST,
			...m,
			platform: { os: 'linux', architecture }
		});
		await s.put({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [entry(amd, 'amd64'), entry(arm, 'arm64')] }, 'ia');
		await s.put({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [entry(amd, 'amd64'), entry(armB, 'arm64')] }, 'ib');
		const dflt = compareInspections(await inspected(s, 'ia'), await inspected(s, 'ib'));
		expect(dflt.identical.digest).toBe(false);
		expect(dflt.identical.manifest).toBe(true);
		expect(dflt.platforms!.common.map((p) => [p.platform, p.same])).toEqual([
			['linux/amd64', true],
			['linux/arm64', false]
		]);
		const arm64 = compareInspections(await inspected(s, 'ia', 'linux/arm64'), await inspected(s, 'ib', 'linux/arm64'));
		expect(arm64.config.map((ch) => ch.key)).toEqual(['Env']);
		expect([arm64.layers.onlyA, arm64.layers.onlyB]).toEqual([1, 1]);
		// Only one side an index: no platform sets.
		expect(compareInspections(await inspected(s, 'ia'), await inspected(s, 'amd')).platforms).toBeNull();
	});
});
