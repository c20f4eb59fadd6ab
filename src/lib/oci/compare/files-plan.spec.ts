import { describe, expect, it } from 'vitest';
import type { LayerFile } from '../layer/listing';
import type { Digest, ImageInspection } from '../model';
import { parseReference } from '../reference';
import { planFiles, sideEntries, type VerifiedLayer } from './files-plan';

const D = (c: string) => `sha256:${c.repeat(64)}` as Digest;

/** The parts of a verified image the plan reads: its reference, layer descriptors and diff_ids. */
function image(ref: string, layers: [string, string, number][], extra: { urls?: string[] } = {}): ImageInspection {
	return {
		format: 'image',
		reference: parseReference(ref),
		manifest: {
			manifest: {
				layers: layers.map(([d, , size], i) => ({
					mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
					digest: D(d),
					size,
					...(i === 0 ? extra : {})
				}))
			}
		},
		config: { config: { rootfs: { type: 'layers', diff_ids: layers.map(([, id]) => D(id)) } } }
	} as unknown as ImageInspection;
}

const file = (path: string, size: number, mode = 0o644): LayerFile => ({ path, type: 'file', size, mode, uid: 0, gid: 0, mtime: 0 });

describe('planFiles', () => {
	it('fetches a layer both sides share once, from the side that lists it first', () => {
		const a = image('registry.test/app:1', [
			['1', 'a', 100],
			['2', 'b', 50],
			['3', 'c', 7]
		]);
		const b = image('other.test/app:2', [
			['1', 'a', 100],
			['2', 'b', 50],
			['4', 'd', 9]
		]);
		const p = planFiles({ inspection: a, authorization: 'Basic x' }, { inspection: b });
		expect(p.unavailable).toBe('');
		expect(p.jobs.map((j) => j.descriptor.digest)).toEqual([D('1'), D('2'), D('3'), D('4')]);
		expect(p.jobs.map((j) => j.side)).toEqual(['a', 'a', 'a', 'b']);
		expect(p.jobs.map((j) => j.repo)).toEqual(['registry.test/app', 'registry.test/app', 'registry.test/app', 'other.test/app']);
		expect(p.jobs[0]!.authorization).toBe('Basic x');
		expect(p.jobs[3]!.authorization).toBeUndefined();
		expect(p.shared).toBe(2);
		expect(p.totalBytes).toBe(166);
	});

	it('checks a digest again when the other side expects another diff_id for it', () => {
		const a = image('r.test/x:1', [['1', 'a', 10]]);
		const b = image('r.test/x:2', [['1', 'e', 10]]);
		const p = planFiles({ inspection: a }, { inspection: b });
		expect(p.jobs).toHaveLength(2);
		expect(p.shared).toBe(0);
	});

	it('refuses foreign layers before fetching anything', () => {
		const a = image('r.test/x:1', [['1', 'a', 10]]);
		const b = image('r.test/x:2', [['5', 'f', 10]], { urls: ['https://example.com/layer'] });
		expect(planFiles({ inspection: a }, { inspection: b }).unavailable).toMatch(/^B: layer 1 is a foreign layer/);
	});
});

describe('sideEntries', () => {
	it('merges the layers base first, with the content digest of the copy that wins', () => {
		const a = image('r.test/x:1', [
			['1', 'a', 10],
			['2', 'b', 10]
		]);
		const p = planFiles({ inspection: a }, { inspection: a });
		const verified: Record<string, VerifiedLayer> = {
			[p.a[0]!.key]: {
				listing: { files: [file('etc/conf', 3), file('old', 1)], whiteouts: [] },
				digests: { 'etc/conf': 'sha256:low', old: 'sha256:o' }
			},
			[p.a[1]!.key]: {
				listing: { files: [file('etc/conf', 3, 0o600)], whiteouts: [{ path: 'old', opaque: false }] },
				digests: { 'etc/conf': 'sha256:high' }
			}
		};
		expect(sideEntries(p.a, verified)).toEqual([{ path: 'etc/conf', type: 'file', size: 3, mode: 0o600, digest: 'sha256:high' }]);
	});

	it('refuses a layer that was not verified', () => {
		const a = image('r.test/x:1', [['1', 'a', 10]]);
		const p = planFiles({ inspection: a }, { inspection: a });
		expect(() => sideEntries(p.a, {})).toThrow(/not verified/);
	});
});
