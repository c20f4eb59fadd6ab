/**
 * The supply-chain panel's state: the server's referrers report, then, in the browser, each referrer's
 * manifest verified against its digest, its small documents fetched and verified, signatures checked
 * against the key the user pasted (or a keyless signature's own certificate), and SBOMs on demand.
 */
import { isRegscopeError, RegscopeError } from '$lib/oci/errors';
import type { Descriptor, Digest, Reference, VerifiedManifest } from '$lib/oci/model';
import { formatReference, repositoryName, withDigest } from '$lib/oci/reference';
import type { Verified } from '$lib/oci/model';
import { COSIGN_SIGN_PREDICATE } from '$lib/oci/supply/bundle';
import { checkCosignSignature, checkEnvelope, checkNotation, type SignatureCheck } from '$lib/oci/supply/check';
import { documentKind, layerPredicate, type DocumentKind, type Kind } from '$lib/oci/supply/kinds';
import { importPublicKeyPem, type PublicKey } from '$lib/oci/supply/keys';
import { DOCUMENT_MAX_BYTES, type Referrer, type ReferrersReport } from '$lib/oci/supply/referrers';
import { authorizationFor } from '../credentials.svelte';
import { decodeDocument, type Decoded } from './decode';
import { fetchDocument, fetchReferrerManifest, fetchReferrers } from './fetch';

/** Documents up to this size are read straight away; larger ones (and SBOMs) when asked. */
const AUTO_BYTES = 256 * 1024;

export type DocPhase = 'idle' | 'loading' | 'done' | 'error' | 'too-large';

export interface DocState {
	layer: Descriptor;
	kind: DocumentKind;
	phase: DocPhase;
	received: number;
	bytes?: Verified<Uint8Array>;
	decoded?: Decoded;
	error?: string;
	check?: SignatureCheck;
	controller?: AbortController;
}

export interface ReferrerState {
	entry: Referrer;
	/** The digest whose lookup found it. */
	lookedUp: Digest;
	/** The subject it is listed under: a platform image it describes, else the digest it was looked up for. */
	group: Digest;
	manifest?: VerifiedManifest;
	error?: string;
	docs: DocState[];
}

/** One digest referrers were looked up for: the image, or an index and the platform image the page shows. */
export interface SubjectState {
	digest: Digest;
	/** "index", "image" or the platform label. */
	label: string;
	report: ReferrersReport | null;
	error: RegscopeError | null;
}

/** A subject the referrers are listed under, in the page's order, with the indices of its referrers. */
export interface SubjectGroup {
	digest: Digest;
	label: string;
	items: number[];
}

export const KIND_ORDER: Kind[] = ['signature', 'attestation', 'sbom', 'other'];

function isSbomDoc(layer: Descriptor): boolean {
	const kind = documentKind(layer);
	const predicate = layerPredicate(layer) ?? '';
	return (
		kind === 'spdx' || kind === 'cyclonedx' || predicate.startsWith('https://spdx.dev') || predicate.startsWith('https://cyclonedx.org')
	);
}

const messageOf = (e: unknown) => (isRegscopeError(e) ? e.message : e instanceof Error ? e.message : String(e));

export class SupplyView {
	/** The report for the image (the index, for a multi-platform image). */
	report = $state<ReferrersReport | null>(null);
	/** Until the lookups answer (the panel shows no report before `start`). */
	loading = $state(true);
	error = $state<RegscopeError | null>(null);
	/** Every lookup: the top digest, then the platform image the page shows when the top is an index. */
	subjects = $state<SubjectState[]>([]);
	referrers = $state<ReferrerState[]>([]);
	keyError = $state('');
	keyType = $state('');
	#key: PublicKey | undefined;
	#ref: Reference;
	#repo: string;
	#subject: Digest;
	#auth: string | undefined;
	/** Platform image digest → its label in the index. */
	#platforms: Record<string, string> = {};

	/**
	 * `image`: the platform manifest the page verified under the index `subject` (its referrers are looked
	 * up too); `platforms`: the index's image entries, so attestations are listed under their platform.
	 */
	constructor(ref: Reference, subject: Digest, opts: { image?: Digest; platforms?: { digest: string; label: string }[] } = {}) {
		this.#ref = ref;
		this.#repo = repositoryName(ref);
		this.#subject = subject;
		this.#auth = authorizationFor(ref.registry);
		for (const p of opts.platforms ?? []) this.#platforms[p.digest] = p.label;
		const isIndex = opts.image !== undefined && opts.image !== subject;
		this.subjects = [{ digest: subject, label: isIndex ? 'index' : 'image', report: null, error: null }];
		if (isIndex)
			this.subjects.push({ digest: opts.image!, label: this.#platforms[opts.image!] ?? 'platform image', report: null, error: null });
	}

	get subject(): Digest {
		return this.#subject;
	}

	byKind(kind: Kind): ReferrerState[] {
		return this.referrers.filter((r) => r.entry.Kind === kind);
	}

	/** The subjects with referrers: the looked-up digests first, then other platforms of the index. */
	groups(): SubjectGroup[] {
		const order: SubjectGroup[] = this.subjects.map((s) => ({ digest: s.digest, label: s.label, items: [] }));
		this.referrers.forEach((r, i) => {
			let g = order.find((o) => o.digest === r.group);
			if (!g) order.push((g = { digest: r.group, label: this.#platforms[r.group] ?? 'platform image', items: [] }));
			g.items.push(i);
		});
		return order;
	}

	async #lookup(s: SubjectState): Promise<void> {
		try {
			const report = await fetchReferrers(formatReference(withDigest(this.#ref, s.digest)), undefined, this.#auth);
			if (report.Subject !== s.digest) {
				throw new RegscopeError(
					'UPSTREAM_ERROR',
					`the server looked up referrers of ${report.Subject}, not of ${s.digest}, the image this page verified`
				);
			}
			s.report = report;
		} catch (e) {
			s.error = isRegscopeError(e) ? e : new RegscopeError('INTERNAL_ERROR', messageOf(e));
		}
	}

	async start(): Promise<void> {
		this.loading = true;
		await Promise.all(this.subjects.map((s) => this.#lookup(s)));
		this.loading = false;
		const top = this.subjects[0]!;
		this.report = top.report;
		// One lookup failing is said on its line; the panel fails only when none answered.
		this.error = this.subjects.every((s) => s.error) ? top.error : null;
		const list: ReferrerState[] = [];
		for (const s of this.subjects) {
			for (const entry of s.report?.Referrers ?? []) {
				if (list.some((r) => r.entry.Digest === entry.Digest)) continue;
				// A BuildKit attestation of the index describes one platform image: listed under that platform.
				const describes = entry.Describes;
				const group = !entry.Problem && describes && Object.hasOwn(this.#platforms, describes) ? (describes as Digest) : s.digest;
				list.push({ entry, lookedUp: s.digest, group, docs: [] });
			}
		}
		this.referrers = list;
		await Promise.all(this.referrers.map((_, i) => this.#open(i)));
	}

	/** Verifies a referrer's manifest (only what the server found readable), then reads its small documents. */
	async #open(i: number): Promise<void> {
		const r = this.referrers[i]!;
		if (r.entry.Problem && r.entry.Documents.length === 0) return;
		try {
			r.manifest = await fetchReferrerManifest(this.#repo, r.entry.Digest as Digest, r.entry.Size, this.#auth);
		} catch (e) {
			r.error = messageOf(e);
			return;
		}
		const m = r.manifest.manifest;
		r.docs = (m.kind === 'image' ? m.layers : []).map((layer) => ({
			layer,
			kind: documentKind(layer),
			phase: layer.size > DOCUMENT_MAX_BYTES ? 'too-large' : 'idle',
			received: 0
		}));
		await Promise.all(
			r.docs.map((d, j) => (d.phase === 'idle' && d.layer.size <= AUTO_BYTES && !isSbomDoc(d.layer) ? this.load(i, j) : undefined))
		);
	}

	/** Fetches, verifies and decodes one document (on demand for SBOMs). */
	async load(i: number, j: number): Promise<void> {
		const doc = this.referrers[i]?.docs[j];
		if (!doc || doc.phase === 'loading' || doc.phase === 'too-large') return;
		doc.controller = new AbortController();
		doc.phase = 'loading';
		doc.received = 0;
		doc.error = undefined;
		try {
			const bytes = await fetchDocument(this.#repo, doc.layer, (n) => (doc.received = n), doc.controller.signal, this.#auth);
			doc.bytes = bytes;
			doc.decoded = decodeDocument(doc.layer, bytes, this.#describes(i));
			doc.phase = 'done';
			await this.#check(i, j);
		} catch (e) {
			doc.phase = doc.controller.signal.aborted ? 'idle' : 'error';
			doc.error = doc.controller.signal.aborted ? undefined : messageOf(e);
		}
	}

	cancel(i: number, j: number): void {
		this.referrers[i]?.docs[j]?.controller?.abort();
	}

	#describes(i: number): string {
		const r = this.referrers[i];
		return r?.entry.Describes ?? r?.lookedUp ?? this.#subject;
	}

	async #check(i: number, j: number): Promise<void> {
		const doc = this.referrers[i]?.docs[j];
		if (!doc?.bytes || !doc.decoded) return;
		try {
			if (doc.decoded.type === 'notation') doc.check = await checkNotation(doc.decoded.notation, this.#describes(i));
			else if (doc.decoded.type === 'simple-signing')
				doc.check = await checkCosignSignature(doc.bytes, doc.layer, this.#describes(i), this.#key);
			else if (
				doc.decoded.type === 'statement' &&
				doc.decoded.bundle &&
				doc.decoded.statement.predicateType === COSIGN_SIGN_PREDICATE &&
				!doc.decoded.coversSubject
			) {
				doc.check = {
					verdict: 'different-image',
					message: `signs a different image: ${this.#describes(i)} is not among the statement's subjects`
				};
			} else if ((doc.decoded.type === 'statement' || doc.decoded.type === 'envelope') && doc.decoded.envelope) {
				doc.check = await checkEnvelope(doc.decoded.envelope, doc.layer, this.#key, doc.decoded.bundle?.certificate);
			}
		} catch (e) {
			doc.check = { verdict: 'unchecked', message: messageOf(e) };
		}
	}

	/** Imports the pasted PEM key (empty: back to certificate-only checks) and checks every signature again. */
	async setKey(pem: string): Promise<void> {
		this.keyError = '';
		this.keyType = '';
		this.#key = undefined;
		if (pem.trim()) {
			try {
				this.#key = await importPublicKeyPem(pem);
				this.keyType = this.#key.type;
			} catch (e) {
				this.keyError = messageOf(e);
			}
		}
		const jobs: Promise<void>[] = [];
		this.referrers.forEach((r, i) => r.docs.forEach((_, j) => jobs.push(this.#check(i, j))));
		await Promise.all(jobs);
	}
}
