/** What each verified object was checked against, and the page's one-line verdict, worded for people. */
import { groupDigits } from './format';
import type { Verification } from '$lib/oci/model';
import type { Summary, Verdict } from './inspection.svelte';

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
	header: "tag resolved just now: matches the registry's Docker-Content-Digest",
	unpinned: 'tag resolved just now: its digest is computed from these bytes'
};

/** Fetched by tag: what the tag points to now, which may change (the header is the registry's own word). */
export function resolvedByTag(v: Verification): boolean {
	return v.basis === 'header' || v.basis === 'unpinned';
}

function describe(kind: CheckedObject['kind'], label: string, v: Verification): CheckedObject {
	const notes: string[] = [];
	if (v.headerAgrees === true && v.basis !== 'header') notes.push("matches the registry's Docker-Content-Digest");
	else if (v.headerAgrees === false)
		notes.push(`the registry's Docker-Content-Digest (${v.headerDigest}) disagrees; the digest computed from the bytes is the one shown`);
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
				`schema1: computed over the ${groupDigits(s.image.payload.length)}-byte JWS payload (the document without its signatures)`
			);
		}
		out.push(m);
	}
	if (s.config) out.push(describe('config', 'Config', s.config.verification));
	return out;
}

/** `a`, `a and b`, `a, b and c`. */
function list(words: string[]): string {
	return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/**
 * The verdict in one line: what was verified, or what went wrong in short (the error itself is worded
 * once, by the error panel below it).
 */
export function verdictLine(verdict: Verdict, objects: CheckedObject[], phase: string): string {
	switch (verdict) {
		case 'verified': {
			const names = objects.map((o) => o.kind);
			if (names.length === 1) return `Verified: the ${names[0]} matches its digest`;
			return `Verified: ${list(names)} match their digests`;
		}
		case 'mismatch':
			return 'Mismatch: the bytes received are not the ones named. Nothing is shown';
		case 'failed':
			return 'Could not check the digests: the error is below';
		default:
			return phase === 'config' ? 'Checking digests: manifest done, fetching the config…' : 'Checking digests…';
	}
}

/** The advice for a tag permalink: what "resolved now" means for the reader. */
export const UNPINNED_NOTE = 'Tag resolved just now: pin it to keep this exact image.';
