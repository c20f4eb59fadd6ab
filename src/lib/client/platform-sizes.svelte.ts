/**
 * The size of every platform of a verified index: each entry's manifest is fetched by digest through the
 * proxy (a few at a time), checked against the index's descriptor (digest and size) and parsed by the
 * core, and only then are its layers summed. A manifest that does not match is a mismatch, never a figure.
 * Verified sizes are kept per tab by digest (the content of a digest never changes), so moving between
 * platforms does not fetch them again; failures and mismatches are not kept, a retry asks again.
 */
import { RegscopeError, isRegscopeError, type ErrorCode } from '$lib/oci/errors';
import { totalLayerSize } from '$lib/oci/history';
import type { Descriptor, PlatformEntry, VerifiedManifest } from '$lib/oci/model';
import { verifyManifest } from '$lib/oci/verify';
import { isMismatch } from './error-kind';
import { eachLimited } from './limit';
import { proxySource } from './source';

/** Manifests fetched at once: a registry is not asked for a whole index in one burst. */
const IN_FLIGHT = 4;
/** Verified sizes kept per tab; the oldest goes first. */
const MAX_CACHED = 500;

export interface VerifiedSize {
	/** The sum of the layers' sizes as stored (compressed), from the verified manifest. */
	compressed: number;
	layers: readonly Descriptor[];
}

export type SizeState =
	| ({ state: 'verified' } & VerifiedSize)
	| { state: 'checking' }
	| { state: 'mismatch'; message: string }
	| { state: 'failed'; reason: string; message: string }
	/** No size to show, and why in a word: an attestation, a nested index, a format without sizes. */
	| { state: 'none'; reason: string };

/** Where the manifests come from: the page's repository, with the credentials the page itself sends. */
export interface SizeSource {
	/** `repositoryName(ref)`, as the proxy takes it. */
	repo: string;
	authorization?: string;
}

// Records replaced on each change rather than svelte/reactivity's SvelteMap, which the bundler would put
// in the framework chunk every page loads first.
let cache = $state.raw<Record<string, VerifiedSize>>({});

function cached(digest: string): VerifiedSize | undefined {
	return Object.hasOwn(cache, digest) ? cache[digest] : undefined;
}

function remember(digest: string, size: VerifiedSize): void {
	const next = { ...cache, [digest]: size };
	const keys = Object.keys(next);
	if (keys.length > MAX_CACHED) delete next[keys[0] as string];
	cache = next;
}

/** What a verified manifest says about the image's size. */
function sizeOf(verified: VerifiedManifest): SizeState {
	const m = verified.manifest;
	if (m.kind === 'index') return { state: 'none', reason: 'nested index' };
	const compressed = totalLayerSize(m);
	if (m.kind === 'schema1' || compressed === null) return { state: 'none', reason: 'not recorded' };
	return { state: 'verified', compressed, layers: m.layers };
}

const SHORT_REASON: Partial<Record<ErrorCode, string>> = {
	UNAUTHORIZED: 'needs credentials',
	FORBIDDEN: 'access refused',
	NOT_FOUND: 'not found',
	TOO_MANY_REQUESTS: 'rate limited',
	UPSTREAM_TIMEOUT: 'timed out',
	DEADLINE_EXCEEDED: 'timed out',
	SERVER_BUSY: 'server busy',
	UPSTREAM_ERROR: 'registry unreachable',
	MANIFEST_TOO_LARGE: 'manifest too large',
	INVALID_MANIFEST: 'unreadable manifest',
	UNSUPPORTED_MEDIA_TYPE: 'unknown format',
	UNSUPPORTED_DIGEST: 'unknown digest type'
};

/** A failure in a few words for the table cell (the full message goes in its title). */
export function shortReason(code: ErrorCode): string {
	return SHORT_REASON[code] ?? 'failed';
}

export class PlatformSizes {
	#states = $state.raw<Record<string, SizeState>>({});
	readonly #signal: AbortSignal;
	readonly #fetch: typeof fetch;

	/** `signal` ends every request (the table is gone: another page, platform or set of credentials). */
	constructor(signal: AbortSignal, fetchFn: typeof fetch = fetch) {
		this.#signal = signal;
		this.#fetch = fetchFn;
	}

	#state(digest: string): SizeState | undefined {
		return Object.hasOwn(this.#states, digest) ? this.#states[digest] : undefined;
	}

	#set(digest: string, state: SizeState): void {
		this.#states = { ...this.#states, [digest]: state };
	}

	/** What to show for an entry. */
	get(entry: PlatformEntry): SizeState {
		if (entry.attestation) return { state: 'none', reason: 'attestation' };
		if (entry.nestedIndex) return { state: 'none', reason: 'nested index' };
		const digest = entry.descriptor.digest;
		const kept = cached(digest);
		return this.#state(digest) ?? (kept ? { state: 'verified', ...kept } : { state: 'checking' });
	}

	/** Keeps the size of a manifest the page verified itself (the platform shown), so it is not fetched. */
	know(verified: VerifiedManifest): void {
		const size = sizeOf(verified);
		if (size.state === 'verified') remember(verified.verification.digest, { compressed: size.compressed, layers: size.layers });
	}

	/** Fetches and checks every entry not known yet; call once the index itself is verified. */
	check(entries: readonly PlatformEntry[], source: SizeSource): Promise<void> {
		// Neither known (kept, or settled here) nor on its way; attestations and nested indexes have no size.
		// An index may list one manifest twice (two labels): it is fetched once.
		const todo: Descriptor[] = [];
		for (const e of entries) {
			if (this.#state(e.descriptor.digest) || this.get(e).state !== 'checking') continue;
			this.#set(e.descriptor.digest, { state: 'checking' });
			todo.push(e.descriptor);
		}
		return eachLimited(todo, IN_FLIGHT, (d) => this.#measure(d, source), this.#signal);
	}

	/** Asks again for an entry that failed or did not match. */
	retry(entry: PlatformEntry, source: SizeSource): Promise<void> {
		this.#set(entry.descriptor.digest, { state: 'checking' });
		return this.#measure(entry.descriptor, source);
	}

	async #measure(descriptor: Descriptor, source: SizeSource): Promise<void> {
		const { digest, size } = descriptor;
		const signal = this.#signal;
		let result: SizeState;
		try {
			const proxy = proxySource(source.repo, this.#fetch, {
				signal,
				...(source.authorization ? { authorization: source.authorization } : {})
			});
			result = sizeOf(await verifyManifest(await proxy.manifest(digest), { basis: 'parent', digest, size }));
		} catch (e) {
			const error = isRegscopeError(e) ? e : new RegscopeError('INTERNAL_ERROR', e instanceof Error ? e.message : String(e));
			result = isMismatch(error.code)
				? { state: 'mismatch', message: error.message }
				: { state: 'failed', reason: shortReason(error.code), message: error.message };
		}
		if (signal.aborted) return;
		if (result.state === 'verified') remember(digest, { compressed: result.compressed, layers: result.layers });
		this.#set(digest, result);
	}
}
