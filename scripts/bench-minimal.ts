/**
 * The yardstick for the permalink's speed: a minimal hand-written page that does the essential work and
 * nothing else. It fetches the same `/api/chain` answer, hashes each object with WebCrypto, checks the
 * top one against the pinned digest and the others against the digests their parent lists, renders the
 * layer list, and then says `verified` in the same element the bench waits for on the real page.
 * The bench serves it on the app's own origin (a Playwright route), so it may call `/api/chain`.
 */
export const MINIMAL_PATH = '/__bench/minimal';

export function minimalPage(ref: string, pinned: string): string {
	const script = `
const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
const bytes = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const sha = async (u8) => 'sha256:' + hex(await crypto.subtle.digest('SHA-256', u8));
(async () => {
  const res = await fetch('/api/chain?ref=' + encodeURIComponent(${JSON.stringify(ref)}), { headers: { 'X-Registry-Proxy': '1' } });
  const chain = await res.json();
  const expected = new Set([${JSON.stringify(pinned)}]);
  let manifest = null;
  for (const o of chain.objects) {
    const b = bytes(o.body);
    const d = await sha(b);
    if (!expected.has(d)) throw new Error('mismatch ' + d);
    if (o.kind !== 'manifest') continue;
    const doc = JSON.parse(new TextDecoder().decode(b));
    for (const m of doc.manifests ?? []) expected.add(m.digest);
    if (doc.config) { expected.add(doc.config.digest); manifest = doc; }
  }
  const ul = document.createElement('ul');
  for (const l of manifest.layers) {
    const li = document.createElement('li');
    li.textContent = l.digest + ' ' + l.size + ' B';
    ul.append(li);
  }
  document.body.append(ul);
  document.getElementById('status').textContent = 'verified';
})().catch((e) => { document.getElementById('status').textContent = 'failed: ' + e.message; });`;
	return `<!doctype html><html><head><meta charset="utf-8"><title>minimal</title></head><body>
<p data-testid="verify-status" id="status">checking</p><script>${script}</script></body></html>`;
}
