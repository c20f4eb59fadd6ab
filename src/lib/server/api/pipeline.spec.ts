import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, test } from 'vitest';
import { RegscopeError } from '$lib/oci/errors';
import type { Answer, ApiCall } from './answer';
import { endpoint } from './pipeline';

const D = 'sha256:' + 'b'.repeat(64);

function call(service: (c: ApiCall) => Promise<Answer>, headers: Record<string, string> = {}, reportInBody = false): Promise<Response> {
	const url = new URL('http://regscope.test/api/x?ref=a');
	const event = { url, request: new Request(url, { headers }), getClientAddress: () => '192.0.2.1' } as unknown as RequestEvent;
	return Promise.resolve(endpoint('/api/x', service, { reportInBody })(event as never));
}

describe('the API pipeline', () => {
	test('a JSON answer: its cache class, the upstream count, the call report as headers and fields', async () => {
		const res = await call(
			async (c) => {
				c.report.rateLimit = { limit: 100, remaining: 7 };
				return { kind: 'json', body: { Name: 'a' }, cache: 'revalidate' };
			},
			{},
			true
		);
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe('no-cache');
		expect(res.headers.get('x-upstream-requests')).toBe('0');
		expect(res.headers.get('x-registry-ratelimit-remaining')).toBe('7');
		expect(await res.json()).toEqual({ Name: 'a', RateLimit: { Limit: 100, Remaining: 7 } });
	});

	test('without reportInBody the body is left as the service made it', async () => {
		const res = await call(async (c) => {
			c.report.operatorCredentials = true;
			return { kind: 'json', body: { Name: 'a' }, cache: 'immutable', etag: `"${D}"` };
		});
		expect(await res.json()).toEqual({ Name: 'a' });
		// Operator credentials answered: private, whatever the service said.
		expect(res.headers.get('cache-control')).toBe('private, no-store');
		expect(res.headers.get('etag')).toBeNull();
		expect(res.headers.get('x-regscope-operator-credentials')).toBe('1');
	});

	test('user credentials make the answer private and vary on them', async () => {
		let seen: ApiCall | undefined;
		const res = await call(
			async (c) => {
				seen = c;
				return { kind: 'json', body: {}, cache: 'immutable', etag: `"${D}"` };
			},
			{ 'X-Registry-Authorization': 'Bearer abc' }
		);
		expect(seen?.credentials).toEqual({ token: 'abc' });
		expect(res.headers.get('cache-control')).toBe('private, no-store');
		expect(res.headers.get('vary')).toBe('X-Registry-Authorization');
	});

	test('an ETag the client holds → 304 with no body', async () => {
		const res = await call(async () => ({ kind: 'json', body: { big: true }, cache: 'revalidate', etag: `"${D}"` }), {
			'If-None-Match': `"${D}"`
		});
		expect(res.status).toBe(304);
		expect(res.headers.get('etag')).toBe(`"${D}"`);
		expect(await res.text()).toBe('');
	});

	test('registry bytes are never rendered; the proxy asks for a download', async () => {
		const res = await call(async () => ({
			kind: 'bytes',
			body: new TextEncoder().encode('<html>'),
			contentType: 'text/html',
			download: true,
			cache: 'no-store'
		}));
		expect(res.headers.get('content-type')).toBe('application/octet-stream');
		expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
		expect(res.headers.get('content-disposition')).toBe('attachment');
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
	});

	test('errors: the code’s status and body, counted; a bad credentials header is one', async () => {
		const res = await call(async () => {
			throw new RegscopeError('NOT_FOUND', 'no such tag');
		});
		expect(res.status).toBe(404);
		expect(res.headers.get('x-upstream-requests')).toBe('0');
		expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such tag' } });
		const bad = await call(async () => ({ kind: 'json', body: {}, cache: 'no-store' }), { 'X-Registry-Authorization': 'Digest x' });
		expect(bad.status).toBe(400);
		expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
	});
});
