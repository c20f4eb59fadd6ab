/**
 * Content digests of a layer's regular files, computed while the tar streams by (fed from `checkLayer`'s
 * `onEntry` / `onData`), so two images' files can be compared by content without keeping any bytes.
 */
import { createSHA256, type IHasher } from 'hash-wasm';
import type { TarEntry } from '../tar/types';

export class FileDigests {
	readonly #hasher: IHasher;
	readonly #digests: Record<string, string> = {};
	#current: string | null = null;

	private constructor(hasher: IHasher) {
		this.#hasher = hasher;
	}

	static async create(): Promise<FileDigests> {
		return new FileDigests(await createSHA256());
	}

	/** A new member: the previous file's digest is complete. Sparse files are not hashed (their holes are not in the archive). */
	entry(e: TarEntry): void {
		this.#close();
		if (e.type !== 'file' || e.sparse) return;
		this.#hasher.init();
		this.#current = e.path;
	}

	data(e: TarEntry, chunk: Uint8Array): void {
		if (this.#current === e.path) this.#hasher.update(chunk);
	}

	/** `sha256:<hex>` by path (the last member of a path wins, as in the final filesystem). */
	finish(): Record<string, string> {
		this.#close();
		return this.#digests;
	}

	#close(): void {
		if (this.#current !== null) this.#digests[this.#current] = `sha256:${this.#hasher.digest('hex')}`;
		this.#current = null;
	}
}
