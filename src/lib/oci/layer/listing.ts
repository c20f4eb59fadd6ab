/**
 * A layer's listing: its members as files, with whiteouts taken out and said as deletions
 * (`.wh.<name>` deletes `<name>` in lower layers; `<dir>/.wh..wh..opq` hides all lower children of dir).
 */
import { RegscopeError } from '../errors';
import type { TarEntry } from '../tar/types';

export type LayerFile = Omit<TarEntry, 'offset' | 'storedSize'>;

export interface Whiteout {
	/** The deleted path (for an opaque whiteout: the directory whose lower contents are hidden). */
	path: string;
	opaque: boolean;
}

export interface LayerListing {
	files: LayerFile[];
	whiteouts: Whiteout[];
}

const WH = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** The whiteout an entry stands for, or null for an ordinary member. */
export function whiteoutOf(path: string): Whiteout | null {
	const slash = path.lastIndexOf('/');
	const base = path.slice(slash + 1);
	const dir = slash < 0 ? '' : path.slice(0, slash);
	if (base === OPAQUE) return { path: dir, opaque: true };
	if (!base.startsWith(WH)) return null;
	const name = base.slice(WH.length);
	if (name === '' || name === '.' || name === '..') {
		throw new RegscopeError('INVALID_LAYER', `invalid whiteout "${path.slice(0, 200)}"`);
	}
	return { path: dir ? `${dir}/${name}` : name, opaque: false };
}

/** Collects a listing from the tar reader's entries; memory grows with the entry count, not the layer. */
export class ListingBuilder {
	readonly files: LayerFile[] = [];
	readonly whiteouts: Whiteout[] = [];

	constructor(private readonly maxEntries = 2_000_000) {}

	add(e: TarEntry): void {
		if (this.files.length + this.whiteouts.length >= this.maxEntries) {
			throw new RegscopeError('INVALID_LAYER', `the layer has more than ${this.maxEntries} entries; regscope stops listing there`);
		}
		const w = whiteoutOf(e.path);
		if (w) {
			this.whiteouts.push(w);
			return;
		}
		const { offset: _o, storedSize: _s, ...file } = e;
		this.files.push(file);
	}

	listing(): LayerListing {
		return { files: this.files, whiteouts: this.whiteouts };
	}
}
