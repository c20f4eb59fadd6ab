import { describe, expect, it } from 'vitest';
import type { Digest, PlatformEntry } from '../model';
import { comparePlatforms } from './platforms';

const D = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const MT = 'application/vnd.oci.image.manifest.v1+json';

function entry(label: string, digest: string, extra: Partial<PlatformEntry> = {}): PlatformEntry {
	const [os = '', architecture = '', variant] = label.split('/');
	return {
		descriptor: { mediaType: MT, digest: D(digest), size: 1 },
		label,
		platform: variant ? { os, architecture, variant } : { os, architecture },
		attestation: false,
		nestedIndex: false,
		selectable: true,
		...extra
	};
}

describe('comparePlatforms', () => {
	it('lists common platforms (same image or not) and those only on one side', () => {
		const a = [entry('linux/amd64', '1'), entry('linux/arm64/v8', '2'), entry('linux/s390x', '3')];
		const b = [entry('linux/amd64', '1'), entry('linux/arm64', '4'), entry('linux/arm/v7', '5')];
		expect(comparePlatforms(a, b)).toEqual({
			common: [
				{ platform: 'linux/amd64', platformB: 'linux/amd64', digestA: D('1'), digestB: D('1'), same: true },
				{ platform: 'linux/arm64/v8', platformB: 'linux/arm64', digestA: D('2'), digestB: D('4'), same: false }
			],
			onlyA: [{ platform: 'linux/s390x', digest: D('3') }],
			onlyB: [{ platform: 'linux/arm/v7', digest: D('5') }]
		});
	});

	it('leaves attestations out and keeps the first entry of a repeated platform', () => {
		const att = entry('unknown/unknown', '9', { attestation: true });
		const c = comparePlatforms([entry('linux/amd64', '1'), entry('linux/amd64', '2'), att], [entry('linux/amd64', '1'), att]);
		expect(c.common).toHaveLength(1);
		expect(c.common[0]!.same).toBe(true);
		expect(c.onlyA).toEqual([]);
		expect(c.onlyB).toEqual([]);
	});
});
