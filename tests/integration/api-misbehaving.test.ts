/**
 * The misbehaving registry (tests/support/bad-registry.ts), case by case through the API: each answer is a
 * clear error or correct handling, and the server keeps serving.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startBadRegistry, startCanary, type BadRegistry, type Canary } from '../support/bad-registry';
import { useApp } from '../support/extra-app';

const appUrl = inject('appUrl');
const PROXY = { headers: { 'X-Registry-Proxy': '1' } };

let bad: BadRegistry;
let canary: Canary;

beforeAll(async () => {
	canary = await startCanary('127.0.0.2');
	bad = await startBadRegistry({ canary: canary.host });
});
afterAll(async () => {
	await bad?.close();
	await canary?.close();
});

interface Answer {
	status: number;
	headers: Headers;
	body: Record<string, unknown> & { error?: { code: string; message: string } };
}

async function inspect(ref: string, base = appUrl): Promise<Answer> {
	const res = await fetch(`${base}/api/inspect?ref=${encodeURIComponent(ref)}`);
	return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
}

async function expectHealthy(): Promise<void> {
	const r = await inspect(`${bad.host}/good/img:v1`);
	expect(r.status).toBe(200);
	expect(r.body.Digest).toBe(bad.image.manifestDigest);
}

describe('redirects', () => {
	test('a redirect loop → UPSTREAM_ERROR naming the loop', async () => {
		const r = await inspect(`${bad.host}/redir/loop:v1`);
		expect(r.body.error?.code).toBe('UPSTREAM_ERROR');
		expect(r.body.error?.message).toMatch(/redirect loop|redirected more than 5 times/);
		await expectHealthy();
	});

	test('a redirect to a loopback address that is not allowlisted → BLOCKED_ADDRESS, no connection', async () => {
		const r = await inspect(`${bad.host}/redir/private:v1`);
		expect(r.body.error?.code).toBe('BLOCKED_ADDRESS');
		expect(r.body.error?.message).toMatch(/127\.0\.0\.2.*loopback/);
		expect(canary.connections()).toBe(0);
	});

	// Here the registry and its "CDN" / mirror are two ports of 127.0.0.1, a bare-host allowlist entry: a
	// redirect there is refused (the entry names that registry, not every service on the machine). The
	// token never leaving its origin on an allowed redirect is covered in src/lib/server/http.spec.ts.
	test('blob redirect to another port of the allowlisted host: refused, the CDN never contacted', async () => {
		const before = bad.state.cdnAuthorization.length;
		const r = await inspect(`${bad.host}/auth/img:v1`);
		expect(r.status, JSON.stringify(r.body)).toBe(403);
		expect(r.body.error?.code).toBe('BLOCKED_ADDRESS');
		expect(r.body.error?.message).toMatch(/another port of the same host/);
		expect(bad.state.cdnAuthorization.length).toBe(before);
	});

	test('a redirect into another registry’s API (registry.k8s.io style, but on an allowlisted host): refused, never contacted', async () => {
		const before = bad.state.otherAuthorization.length;
		const r = await inspect(`${bad.host}/redir/k8s:v1`);
		expect(r.body.error?.code).toBe('BLOCKED_ADDRESS');
		expect(bad.state.otherAuthorization.length).toBe(before);
	});

	test('a token realm on a non-allowlisted loopback address → BLOCKED_ADDRESS, never contacted', async () => {
		const r = await inspect(`${bad.host}/realm/private:v1`);
		expect(r.body.error?.code).toBe('BLOCKED_ADDRESS');
		expect(r.body.error?.message).toMatch(/token realm/);
		expect(canary.connections()).toBe(0);
	});
});

describe('rate limits and retries', () => {
	test('429 with Retry-After: 1 → one retry, then success', async () => {
		const r = await inspect(`${bad.host}/rate/once:v1`);
		expect(r.status, JSON.stringify(r.body)).toBe(200);
		expect(bad.state.hits['GET /v2/rate/once/manifests/v1']).toBe(2);
	});

	test('429 with Retry-After: 3600 → TOO_MANY_REQUESTS without a retry, Retry-After in the message', async () => {
		const r = await inspect(`${bad.host}/rate/long:v1`);
		expect(r.status).toBe(429);
		expect(r.body.error?.code).toBe('TOO_MANY_REQUESTS');
		expect(r.body.error?.message).toMatch(/retry after 3600 s/);
		expect(r.body.error?.message).toMatch(/pull limit reached/);
		expect(bad.state.hits['GET /v2/rate/long/manifests/v1']).toBe(1);
	});

	test('503 once → retried once, then success', async () => {
		const r = await inspect(`${bad.host}/busy/once:v1`);
		expect(r.status, JSON.stringify(r.body)).toBe(200);
		expect(bad.state.hits['GET /v2/busy/once/manifests/v1']).toBe(2);
	});

	test('ratelimit-* headers surface as RateLimit and headers; then tags are resolved with HEAD', async () => {
		const first = await inspect(`${bad.host}/limited/img:v1`);
		expect(first.status, JSON.stringify(first.body)).toBe(200);
		expect(first.body.RateLimit).toEqual({ Limit: 100, Remaining: 76, WindowSeconds: 21600 });
		expect(first.headers.get('x-registry-ratelimit-remaining')).toBe('76');
		expect(first.headers.get('x-registry-ratelimit-limit')).toBe('100');
		// A tag nothing has cached yet: this registry counts pulls, so it is resolved with HEAD first. Its digest
		// is the v1 manifest's, already in the server cache from the call above: no manifest GET at all.
		const q = new URLSearchParams({ ref: `${bad.host}/limited/img`, target: 'v2' });
		const proxied = await fetch(`${appUrl}/api/registry/manifest?${q}`, PROXY);
		expect(proxied.status).toBe(200);
		expect(proxied.headers.get('x-registry-ratelimit-remaining')).toBe('76');
		expect(proxied.headers.get('x-upstream-requests')).toBe('1');
		expect(bad.state.requests).toContain('HEAD /v2/limited/img/manifests/v2');
		expect(bad.state.requests).not.toContain('GET /v2/limited/img/manifests/v2');
		expect(bad.state.requests).not.toContain(`GET /v2/limited/img/manifests/${bad.image.manifestDigest}`);
		await proxied.arrayBuffer();
	});
});

describe('bodies', () => {
	test('an HTML page as manifest → INVALID_MANIFEST saying so; the proxy never serves it as HTML', async () => {
		const r = await inspect(`${bad.host}/html/img:v1`);
		expect(r.body.error?.code).toBe('INVALID_MANIFEST');
		expect(r.body.error?.message).toMatch(/HTML/);
		const q = new URLSearchParams({ ref: `${bad.host}/html/img`, target: 'v1' });
		const res = await fetch(`${appUrl}/api/registry/manifest?${q}`, PROXY);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/octet-stream');
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('content-security-policy')).toMatch(/sandbox/);
		expect(res.headers.get('content-disposition')).toBe('attachment');
		await res.arrayBuffer();
	});

	test('invalid JSON → INVALID_MANIFEST', async () => {
		const r = await inspect(`${bad.host}/json/invalid:v1`);
		expect(r.body.error?.code).toBe('INVALID_MANIFEST');
		expect(r.body.error?.message).toMatch(/not valid JSON/);
	});

	// decodeJson (src/lib/oci/fields.ts) refuses duplicate keys: JSON.parse keeps the last, other parsers the
	// first, so clients could disagree on one digest's content.
	test('duplicate JSON keys → a clear error (never a silently chosen value)', async () => {
		const r = await inspect(`${bad.host}/json/dupe:v1`);
		expect(r.status).toBe(502);
		expect(r.body.error?.code).toBe('INVALID_MANIFEST');
		expect(r.body.error?.message).toMatch(/^duplicate key "layers" in the manifest at \$/);
		await expectHealthy();
	});

	test('wrong Content-Type (index type, manifest body) → rejected as a mismatch', async () => {
		const r = await inspect(`${bad.host}/ctype/wrong:v1`);
		expect(r.status).toBe(502);
		expect(['INVALID_MANIFEST', 'UNSUPPORTED_MEDIA_TYPE']).toContain(r.body.error?.code);
		await expectHealthy();
	});
});

describe('trickling body (app with a 1.5 s request timeout)', () => {
	const app = useApp({ REGSCOPE_REQUEST_TIMEOUT_MS: '1500', REGSCOPE_OVERALL_TIMEOUT_MS: '5000' });

	test('one byte every 200 ms (never idle) → UPSTREAM_TIMEOUT from the overall deadline, not a stall', async () => {
		const r = await inspect(`${bad.host}/drip/img:v1`, app.url);
		expect(r.status).toBe(504);
		expect(r.body.error?.code).toBe('UPSTREAM_TIMEOUT');
		expect(r.body.error?.message).toContain(bad.host);
	});
});
