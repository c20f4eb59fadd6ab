/**
 * A config blob whose bytes are not the ones its descriptor names, served longer than the descriptor says
 * or with different bytes of the same length: tampered content, DIGEST_MISMATCH from every endpoint that
 * carries it (never a size error).
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startBadRegistry, type BadRegistry } from '../support/bad-registry';

const appUrl = inject('appUrl');
const PROXY = { headers: { 'X-Registry-Proxy': '1' } };
let bad: BadRegistry;

beforeAll(async () => {
	bad = await startBadRegistry();
});
afterAll(async () => {
	await bad?.close();
});

async function errorOf(path: string, init?: RequestInit): Promise<{ status: number; code: string; message: string }> {
	const res = await fetch(`${appUrl}${path}`, init);
	const body = (await res.json()) as { error?: { code: string; message: string } };
	expect(body.error, JSON.stringify(body)).toBeDefined();
	return { status: res.status, ...body.error! };
}

describe.each([
	['longer than its descriptor', 'bad/longconfig'],
	['with different bytes', 'bad/config']
])('a config %s', (_, repo) => {
	test('/api/inspect → DIGEST_MISMATCH naming the config', async () => {
		const e = await errorOf(`/api/inspect?ref=${encodeURIComponent(`${bad.host}/${repo}:v1`)}`);
		expect(e).toMatchObject({ status: 502, code: 'DIGEST_MISMATCH' });
		expect(e.message).toContain(bad.image.configDigest);
	});

	test('/api/chain → DIGEST_MISMATCH (the server walks the chain with the same checks)', async () => {
		const e = await errorOf(`/api/chain?ref=${encodeURIComponent(`${bad.host}/${repo}:v1`)}`, PROXY);
		expect(e).toMatchObject({ status: 502, code: 'DIGEST_MISMATCH' });
	});
});

test('the blob proxy answers DIGEST_MISMATCH when the registry sends more bytes than the descriptor says', async () => {
	const q = new URLSearchParams({
		ref: `${bad.host}/bad/longconfig`,
		digest: bad.image.configDigest,
		size: String(bad.image.config.byteLength)
	});
	const e = await errorOf(`/api/registry/blob?${q}`, PROXY);
	expect(e).toMatchObject({ status: 502, code: 'DIGEST_MISMATCH' });
	expect(e.message).toContain(`${bad.image.config.byteLength} bytes its descriptor says`);
});

test('the same config from a well-behaved repository is served (the check is not always failing)', async () => {
	const res = await fetch(`${appUrl}/api/inspect?ref=${encodeURIComponent(`${bad.host}/good/img:v1`)}`);
	expect(res.status).toBe(200);
});
