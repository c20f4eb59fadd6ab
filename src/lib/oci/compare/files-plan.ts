/**
 * What "compare files" has to fetch, and how the verified layers become each side's final filesystem.
 * A layer is identified by its digest and the diff_id its config expects: the same bytes checked against
 * the same diff_id give the same listing, so a layer both sides share is fetched and checked once.
 */
import type { FileEntry } from './files';
import { finalFilesystem } from '../layer/final-fs';
import type { LayerListing } from '../layer/listing';
import type { Descriptor, Digest, ImageInspection } from '../model';
import { repositoryName } from '../reference';

export interface FilesSide {
	inspection: ImageInspection;
	authorization?: string;
}

export interface LayerJob {
	key: string;
	/** The side that lists it first (where it is fetched from). */
	side: 'a' | 'b';
	descriptor: Descriptor;
	diffId: Digest;
	/** The repository (and credentials) of the side that lists it first; the digest makes the source irrelevant. */
	repo: string;
	authorization?: string;
}

export interface VerifiedLayer {
	listing: LayerListing;
	/** Content digests of the layer's regular files, by path. */
	digests: Record<string, string>;
}

export interface FilesPlan {
	/** Each side's layers, base first. */
	a: LayerJob[];
	b: LayerJob[];
	/** The distinct layers to fetch, A's first. */
	jobs: LayerJob[];
	totalBytes: number;
	/** Layers both sides have (fetched once). */
	shared: number;
	/** Why files cannot be compared at all (a foreign layer, no diff_ids); empty when they can. */
	unavailable: string;
}

function layersOf(side: FilesSide, name: 'a' | 'b'): LayerJob[] | string {
	const diffIds = side.inspection.config?.config.rootfs.diff_ids;
	if (!diffIds) return 'its config lists no diff_ids, so its layers cannot be verified';
	const repo = repositoryName(side.inspection.reference);
	const jobs: LayerJob[] = [];
	for (const [i, descriptor] of side.inspection.manifest.manifest.layers.entries()) {
		const diffId = diffIds[i];
		if (!diffId) return `layer ${i + 1} has no diff_id in the config, so it cannot be verified`;
		if ((descriptor.urls?.length ?? 0) > 0) return `layer ${i + 1} is a foreign layer whose bytes regscope never fetches`;
		jobs.push({
			key: `${descriptor.digest} ${diffId}`,
			side: name,
			descriptor,
			diffId,
			repo,
			...(side.authorization ? { authorization: side.authorization } : {})
		});
	}
	return jobs;
}

export function planFiles(sa: FilesSide, sb: FilesSide): FilesPlan {
	const ja = layersOf(sa, 'a');
	const jb = layersOf(sb, 'b');
	const a = typeof ja === 'string' ? [] : ja;
	const b = typeof jb === 'string' ? [] : jb;
	const unavailable = typeof ja === 'string' ? `A: ${ja}` : typeof jb === 'string' ? `B: ${jb}` : '';
	const jobs: LayerJob[] = [];
	const seen = new Set<string>();
	for (const j of [...a, ...b]) {
		if (seen.has(j.key)) continue;
		seen.add(j.key);
		jobs.push(j);
	}
	const inA = new Set(a.map((j) => j.key));
	const shared = new Set(b.filter((j) => inA.has(j.key)).map((j) => j.key)).size;
	return { a, b, jobs, totalBytes: jobs.reduce((n, j) => n + j.descriptor.size, 0), shared, unavailable };
}

/** One side's final filesystem as the comparison's entries, with content digests where the layer hashed them. */
export function sideEntries(layers: readonly LayerJob[], verified: Readonly<Record<string, VerifiedLayer>>): FileEntry[] {
	const own = layers.map((j) => {
		const v = verified[j.key];
		if (!v) throw new Error(`layer ${j.descriptor.digest} was not verified`);
		return v;
	});
	const fs = finalFilesystem(own.map((v) => v.listing));
	return [...fs.entries].map(([path, e]) => {
		const digest = e.file.type === 'file' ? own[e.layer]?.digests[path] : undefined;
		return {
			path,
			type: e.file.type,
			size: e.file.size,
			mode: e.file.mode,
			...(e.file.linkname !== undefined ? { linkname: e.file.linkname } : {}),
			...(digest ? { digest } : {})
		};
	});
}
