/**
 * The state of one permalink view: a reference (and platform) being inspected in the browser, with the
 * credentials of that moment. All fetching goes through `chainSource` (one `/api/chain` answer, the
 * per-object proxy as fallback); all checking is the core's `inspect`, which verifies every object
 * before parsing it. A failed check leaves `result` null: nothing unverified is ever exposed. The page
 * makes a new view when the reference, platform or credentials change, and aborts the old one's signal.
 *
 * So that the summary can show as soon as the manifest is in (before the config), `inspect` reports
 * each manifest it has verified (`onProgress`). Those early values are only ever shown while `inspect`
 * is still running; its verdict is final.
 */
import { OPERATOR_CREDENTIALS_HEADER, RATE_LIMIT_HEADERS } from '$lib/api-contract';
import { inspectAny, type InspectProgress, type RegistrySource } from '$lib/oci/inspect';
import { RegscopeError, isRegscopeError } from '$lib/oci/errors';
import { formatReference, repositoryName } from '$lib/oci/reference';
import type {
	AnyInspection,
	Descriptor,
	ImageManifest,
	IndexManifest,
	PlatformEntry,
	Reference,
	Schema1Manifest,
	VerifiedConfig,
	VerifiedManifest
} from '$lib/oci/model';
import { isMismatch } from './error-kind';
import { chainSource, requestChain, type ChainReply } from './source';

/** What one inspection is of: the reference, the platform asked for, and the credentials to send. */
export interface InspectionRequest {
	reference: Reference;
	platform?: string;
	/** The `X-Registry-Authorization` value, when the user saved credentials for this registry. */
	authorization?: string;
	/** A chain answer already on its way (the page load's request, or the one the server embedded). */
	chain?: Promise<ChainReply | null>;
	/** That answer, already verified by the core's `inspectAny` (the page load's check of an embedded chain). */
	verified?: AnyInspection | null;
}

/** What the registry reported about its pull limit, as the server passed it on. */
export interface RateLimitReport {
	limit?: number;
	remaining?: number;
}

function headerNumber(h: Headers, name: string): number | undefined {
	const v = h.get(name);
	if (v === null || !/^\d+$/.test(v.trim())) return undefined;
	return Number(v.trim());
}

/** Where the work is: fetching manifests, then the config, then done (or failed). */
export type Phase = 'manifest' | 'config' | 'done' | 'error';
export type Verdict = 'checking' | 'verified' | 'mismatch' | 'failed';

/** What the summary needs; complete once `inspect` is done, partial before. */
export interface Summary {
	reference: Reference;
	top: VerifiedManifest;
	index?: VerifiedManifest<IndexManifest>;
	/** The image's manifest; a Schema1Manifest for Docker schema1 (inspection.format === 'schema1'). */
	image?: VerifiedManifest<ImageManifest | Schema1Manifest>;
	platforms: PlatformEntry[];
	chosen?: PlatformEntry;
	/** undefined: not fetched yet; null: not an image config (artifact). */
	config?: VerifiedConfig | null;
}

export function summaryOf(i: AnyInspection): Summary {
	const s: Summary =
		i.format === 'index'
			? { reference: i.reference, top: i.index, platforms: i.platforms, config: null }
			: { reference: i.reference, top: i.index ?? i.manifest, image: i.manifest, platforms: i.platforms, config: i.config };
	if (i.index) s.index = i.index;
	if (i.chosen) s.chosen = i.chosen;
	return s;
}

export class InspectionView {
	readonly reference: Reference;
	readonly platform: string | undefined;
	readonly #request: InspectionRequest;
	phase = $state<Phase>('manifest');
	result = $state.raw<AnyInspection | null>(null);
	error = $state.raw<RegscopeError | null>(null);
	/** The manifests verified so far, before `inspect` returns. */
	early = $state.raw<Summary | null>(null);
	/** The server inspected with its operator's credentials for this registry. */
	operatorCredentials = $state(false);
	/** The last rate limit the registry reported (Docker Hub's pull limit), when it did. */
	rateLimit = $state.raw<RateLimitReport | null>(null);
	#started = false;

	constructor(request: InspectionRequest) {
		this.#request = request;
		this.reference = request.reference;
		this.platform = request.platform;
		if (request.verified) {
			this.result = request.verified;
			this.phase = 'done';
			this.#started = true;
		}
	}

	get verdict(): Verdict {
		if (this.error) return isMismatch(this.error.code) ? 'mismatch' : 'failed';
		return this.result ? 'verified' : 'checking';
	}

	/** The summary to show: the final one, or the early one while checking (never after a failure). */
	get summary(): Summary | null {
		if (this.result) return summaryOf(this.result);
		return this.error ? null : this.early;
	}

	/**
	 * Starts the inspection once; later calls do nothing (nor does the first, for a view made verified).
	 * After `signal` aborts, its requests are cancelled and nothing it finds is shown (a newer inspection
	 * has taken its place).
	 */
	start(signal: AbortSignal, fetchFn: typeof fetch = fetch): this {
		if (this.#started) return this;
		this.#started = true;
		const { reference, platform, authorization } = this.#request;
		const opts = { ...(authorization ? { authorization } : {}), signal };
		// One request for the whole chain (top, child, config); every object is still verified here.
		const reply = this.#request.chain ?? requestChain(formatReference(reference), platform, fetchFn, opts);
		const source = chainSource(reply, repositoryName(reference), fetchFn, {
			...opts,
			onHeaders: (h) => {
				if (!signal.aborted) this.#report(h);
			}
		});
		const observed: RegistrySource = {
			manifest: (target: string) => source.manifest(target),
			blob: async (d: Descriptor) => {
				// inspect asks for the config only after every manifest above it was verified.
				if (!signal.aborted) this.phase = 'config';
				return source.blob(d);
			}
		};
		const onProgress = (p: InspectProgress) => {
			if (!signal.aborted) this.early = { reference, ...p };
		};
		inspectAny(observed, reference, { platform, onProgress }).then(
			(r) => {
				if (signal.aborted) return;
				this.result = r;
				this.phase = 'done';
			},
			(e: unknown) => {
				if (signal.aborted) return;
				this.error = isRegscopeError(e) ? e : new RegscopeError('INTERNAL_ERROR', e instanceof Error ? e.message : String(e));
				this.phase = 'error';
			}
		);
		return this;
	}

	/** Reads the operator-credential and rate-limit reports from one proxy answer. */
	#report(h: Headers): void {
		if (h.get(OPERATOR_CREDENTIALS_HEADER) === '1') this.operatorCredentials = true;
		const limit = headerNumber(h, RATE_LIMIT_HEADERS.limit);
		const remaining = headerNumber(h, RATE_LIMIT_HEADERS.remaining);
		if (limit !== undefined || remaining !== undefined) {
			this.rateLimit = {
				...(limit !== undefined ? { limit } : {}),
				...(remaining !== undefined ? { remaining } : {})
			};
		}
	}
}
