/**
 * The platform sets of two indexes: which platforms both have (and whether they point at the same
 * image), which only one has. Platforms are matched after containerd's normalization, so `arm64/v8`
 * in one index and `arm64` in the other are the same platform. Attestations are not platforms.
 */
import type { Digest, PlatformEntry } from '../model';
import { formatPlatform, normalizePlatform } from '../platform';

export interface CommonPlatform {
	/** The label as A's index writes it (what `?platformA=` takes). */
	platform: string;
	/** B's label, when written otherwise (`linux/arm64` vs `linux/arm64/v8`). */
	platformB: string;
	digestA: Digest;
	digestB: Digest;
	/** Both indexes point at the same manifest. */
	same: boolean;
}

export interface OnePlatform {
	platform: string;
	digest: Digest;
}

export interface PlatformComparison {
	common: CommonPlatform[];
	onlyA: OnePlatform[];
	onlyB: OnePlatform[];
}

function keyOf(e: PlatformEntry): string {
	return e.platform ? formatPlatform(normalizePlatform(e.platform)) : e.label;
}

/** The image entries of an index by normalized platform, the first of each (the one a client would pick). */
function images(entries: readonly PlatformEntry[]): Map<string, PlatformEntry> {
	const out = new Map<string, PlatformEntry>();
	for (const e of entries) {
		if (e.attestation || e.nestedIndex || !e.platform) continue;
		const k = keyOf(e);
		if (!out.has(k)) out.set(k, e);
	}
	return out;
}

export function comparePlatforms(a: readonly PlatformEntry[], b: readonly PlatformEntry[]): PlatformComparison {
	const x = images(a);
	const y = images(b);
	const common: CommonPlatform[] = [];
	const onlyA: OnePlatform[] = [];
	for (const [k, ea] of x) {
		const eb = y.get(k);
		if (eb) {
			common.push({
				platform: ea.label,
				platformB: eb.label,
				digestA: ea.descriptor.digest,
				digestB: eb.descriptor.digest,
				same: ea.descriptor.digest === eb.descriptor.digest
			});
		} else onlyA.push({ platform: ea.label, digest: ea.descriptor.digest });
	}
	const onlyB = [...y].filter(([k]) => !x.has(k)).map(([, e]) => ({ platform: e.label, digest: e.descriptor.digest }));
	return { common, onlyA, onlyB };
}
