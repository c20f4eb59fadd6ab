/** What each verified object was checked against, worded for the verification panel. */
import type { Verification } from '$lib/oci/model';
import type { Summary } from './inspection.svelte';

export interface CheckedObject {
	/** `index`, `manifest`, `config`. */
	kind: 'index' | 'manifest' | 'config';
	label: string;
	verification: Verification;
	/** The main sentence: what the computed digest matched. */
	basis: string;
	/** Extra sentences (header agreement). */
	notes: string[];
	/** The header disagreed with the bytes (the bytes win; shown as a warning). */
	headerConflict: boolean;
}

const BASIS: Record<Verification['basis'], string> = {
	pinned: 'matches the digest you asked for',
	parent: 'matches the digest its parent lists',
	header: "unpinned tag, resolved now: matches the registry's Docker-Content-Digest",
	unpinned: 'unpinned tag: resolved now'
};

/** Fetched by tag: what the tag points to now, which may change (the header is the registry's own word). */
export function resolvedByTag(v: Verification): boolean {
	return v.basis === 'header' || v.basis === 'unpinned';
}

function describe(kind: CheckedObject['kind'], label: string, v: Verification): CheckedObject {
	const notes: string[] = [];
	if (v.headerAgrees === true && v.basis !== 'header') notes.push("matches the registry's Docker-Content-Digest");
	else if (v.headerAgrees === false)
		notes.push(
			`the registry's Docker-Content-Digest (${v.headerDigest}) disagrees; the digest computed from the bytes is the one shown`
		);
	else if (v.basis === 'unpinned') notes.push('the registry sent no comparable Docker-Content-Digest');
	return { kind, label, verification: v, basis: BASIS[v.basis], notes, headerConflict: v.headerAgrees === false };
}

/** The objects verified so far, top first. */
export function checkedObjects(s: Summary): CheckedObject[] {
	const out: CheckedObject[] = [];
	if (s.index) out.push(describe('index', 'Index', s.index.verification));
	if (s.image) {
		const m = describe('manifest', s.index ? 'Platform manifest' : 'Manifest', s.image.verification);
		if (s.image.manifest.kind === 'schema1' && s.image.payload) {
			m.notes.push(
				`schema1: computed over the ${s.image.payload.length.toLocaleString('en-US')}-byte JWS payload (the document without its signatures)`
			);
		}
		out.push(m);
	}
	if (s.config) out.push(describe('config', 'Config', s.config.verification));
	return out;
}
