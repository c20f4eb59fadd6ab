// The verdict before the framework. Inlined, byte for byte, in the head of a digest permalink's HTML when the
// server embedded a chain it already held, and allowed by its hash in the CSP (svelte.config.js): it hashes with
// WebCrypto while the rest of the HTML is parsed and writes its verdict into the placeholder as soon as that is
// parsed whole, so the verdict is in the first paint, without waiting for the page's JavaScript. It only ever says "verified", and only for the chains it knows whole: the digest in the address
// (never the server's word) names the top object, and each object hashes to the digest and has the size and
// media type its parent lists: index → image manifest → config. Anything else is left to the page's own
// inspection, which checks everything again when it starts. The status says which it was in
// `data-early-verdict` (`verified` or `left`), for tests and tools.
(() => {
	const embedded = document.getElementById('regscope-chain');
	const subtle = globalThis.crypto?.subtle;
	/** @returns {HTMLElement | null} the placeholder once the parser got past its end */
	const parsedBox = () => (document.getElementById('early-verdict-end') ? document.getElementById('early-verdict') : null);
	/** @type {Promise<HTMLElement | null>} */
	const box = new Promise((resolve) => {
		if (parsedBox()) return resolve(parsedBox());
		const seen = new MutationObserver(() => parsedBox() && done());
		const done = () => {
			seen.disconnect();
			resolve(parsedBox());
		};
		seen.observe(document, { childList: true, subtree: true });
		document.addEventListener('DOMContentLoaded', done, { once: true });
	});
	/** @type {Record<string, string[]>} */
	const TYPES = {
		index: ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'],
		manifest: ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'],
		config: ['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json']
	};
	/** @param {ArrayBuffer} b */
	const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
	/**
	 * The object's document when it is what `want` names, else null.
	 * @param {any} o @param {{ digest: string, size?: number, mediaType: string }} want @param {string} kind
	 */
	const verified = async (o, want, kind) => {
		const types = TYPES[kind] ?? [];
		if (o?.kind !== (kind === 'config' ? 'blob' : 'manifest') || o.target !== want.digest || !types.includes(want.mediaType)) return null;
		const bytes = Uint8Array.from(atob(o.body), (c) => c.charCodeAt(0));
		if (want.size !== undefined && bytes.length !== want.size) return null;
		if (`sha256:${hex(await subtle.digest('SHA-256', bytes))}` !== want.digest) return null;
		const doc = JSON.parse(new TextDecoder().decode(bytes));
		return doc && typeof doc === 'object' && (kind === 'config' || doc.mediaType === want.mediaType) ? doc : null;
	};
	(async () => {
		if (!embedded || !subtle) return null;
		const pinned = /@(sha256:[0-9a-f]{64})$/.exec(decodeURIComponent(location.pathname))?.[1];
		const objects = JSON.parse(embedded.textContent || '{}').objects;
		if (!pinned || !Array.isArray(objects) || objects.length < 2 || objects.length > 3) return null;
		const top = { digest: pinned, mediaType: objects[0].contentType };
		let manifest;
		if (objects.length === 3) {
			const index = await verified(objects[0], top, 'index');
			const entry = Array.isArray(index?.manifests)
				? index.manifests.find((/** @type {any} */ d) => d?.digest === objects[1].target)
				: null;
			manifest = entry ? await verified(objects[1], entry, 'manifest') : null;
		} else {
			manifest = await verified(objects[0], top, 'manifest');
		}
		if (!manifest?.config || !(await verified(objects[objects.length - 1], manifest.config, 'config'))) return null;
		return `Verified: ${objects.length === 3 ? 'index, manifest' : 'manifest'} and config match their digests`;
	})()
		.catch(() => null)
		.then(async (line) => {
			const el = await box;
			const status = el?.querySelector('[data-early-verdict]');
			if (!el || !(status instanceof HTMLElement)) return;
			const [icon, words] = status.children;
			if (line && icon && words) {
				el.dataset.verdict = status.dataset.verdict = 'verified';
				icon.textContent = '✓';
				words.textContent = line;
			}
			status.dataset.earlyVerdict = line && icon && words ? 'verified' : 'left';
		});
})();
