/**
 * Parity with the reference client: for every fixture, and every platform of the multi-platform ones,
 * `/api/inspect` and `skopeo inspect` (run live against the same registry) agree on every field skopeo prints.
 */
import { describe, expect, inject, it } from 'vitest';
import type { Fixture } from '../fixtures/fixtures';
import { schema1PayloadDigest } from '../fixtures/schema1';
import { skopeoInspect, skopeoInspectBytes } from '../support/skopeo';

const appUrl = inject('appUrl');
const fixtures = inject('fixtures');

interface Case {
	name: string;
	fixture: Fixture;
	platform?: string;
}

function cases(): Case[] {
	const out: Case[] = [];
	for (const fixture of Object.values(fixtures) as Fixture[]) {
		if (fixture.kind === 'index') {
			for (const platform of fixture.platforms) out.push({ name: `${fixture.key} ${platform}`, fixture, platform });
		} else {
			out.push({ name: fixture.key, fixture });
		}
	}
	return out;
}

/** skopeo's --override-* flags for an `os[(version)]/arch[/variant]` label (skopeo 1.9 has no os.version override). */
function overrides(platform: string | undefined) {
	if (!platform) return {};
	const [os, arch, variant] = platform.replace(/\(.*\)/, '').split('/');
	return { os, arch, variant };
}

async function api(ref: string, platform?: string): Promise<{ status: number; body: Record<string, unknown> }> {
	const q = new URLSearchParams({ ref });
	if (platform) q.set('platform', platform);
	const res = await fetch(`${appUrl}/api/inspect?${q}`);
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const SKOPEO_FIELDS = ['Name', 'Tag', 'Digest', 'RepoTags', 'Created', 'DockerVersion', 'Labels', 'Architecture', 'Os', 'Layers', 'Env'];

describe('parity with skopeo inspect', () => {
	for (const c of cases()) {
		it(c.name, async () => {
			const ours = await api(c.fixture.ref, c.platform);
			if (c.fixture.skopeoRefuses) {
				// skopeo gives up on non-image artifacts; we still answer with what there is.
				await expect(skopeoInspect(c.fixture.ref, overrides(c.platform))).rejects.toThrow();
				expect(ours.status).toBe(200);
				expect(ours.body.Digest).toBe(c.fixture.digest);
				expect(ours.body.Layers).toEqual((c.fixture as { layerDigests: string[] }).layerDigests);
				return;
			}
			const theirs = (await skopeoInspect(c.fixture.ref, overrides(c.platform))) as Record<string, unknown>;
			expect(ours.status, JSON.stringify(ours.body)).toBe(200);
			for (const field of SKOPEO_FIELDS) {
				if (!(field in theirs)) {
					expect(ours.body[field] ?? null, `${field}: skopeo prints none`).toBeNull();
					continue;
				}
				if (field === 'RepoTags') {
					expect(new Set(ours.body.RepoTags as string[]), field).toEqual(new Set(theirs.RepoTags as string[]));
				} else {
					expect(ours.body[field], field).toEqual(theirs[field]);
				}
			}
			// Every field skopeo 1.9 prints is one we compared: a new one must be added above.
			expect(Object.keys(theirs).filter((k) => !SKOPEO_FIELDS.includes(k))).toEqual([]);
		});
	}

	it('the raw manifest and config are the bytes skopeo prints', async () => {
		const f = fixtures['docker-v2'];
		const raw = await fetch(`${appUrl}/api/inspect?${new URLSearchParams({ ref: f.ref, raw: '1' })}`);
		expect(raw.headers.get('content-type')).toContain('application/vnd.docker.distribution.manifest.v2+json');
		const theirs = await skopeoInspect(f.ref, { raw: true });
		expect(JSON.parse(Buffer.from(await raw.arrayBuffer()).toString('utf8'))).toEqual(theirs);
		const config = await fetch(`${appUrl}/api/inspect?${new URLSearchParams({ ref: f.ref, config: '1' })}`);
		expect(config.status).toBe(200);
		const body = Buffer.from(await config.arrayBuffer());
		const { createHash } = await import('node:crypto');
		expect(`sha256:${createHash('sha256').update(body).digest('hex')}`).toBe((f as { configDigest: string }).configDigest);
	});

	it.each(['schema1-skopeo', 'schema1-signed'] as const)(
		'%s: raw=1 is the document as received, named by its payload digest',
		async (key) => {
			const f = fixtures[key];
			const raw = await fetch(`${appUrl}/api/inspect?${new URLSearchParams({ ref: f.ref, raw: '1' })}`);
			expect(raw.status).toBe(200);
			expect(raw.headers.get('content-type')).toContain('application/vnd.docker.distribution.manifest.v1+prettyjws');
			expect(raw.headers.get('docker-content-digest')).toBe(f.digest);
			// The registry re-signs on every GET, so the bytes cannot be compared with another GET: they are
			// the signed document (signatures included) whose JWS payload is the digest.
			const bytes = new Uint8Array(await raw.arrayBuffer());
			expect(schema1PayloadDigest(bytes)).toBe(f.digest);
			expect(JSON.parse(Buffer.from(bytes).toString('utf8'))).toHaveProperty('signatures');
			// skopeo --raw prints the document too (re-signed by the registry for its GET): same payload.
			const theirs = await skopeoInspectBytes(f.ref, { raw: true });
			expect(schema1PayloadDigest(theirs)).toBe(f.digest);
			const unsigned = (b: Uint8Array) => ({ ...(JSON.parse(Buffer.from(b).toString('utf8')) as object), signatures: null });
			expect(unsigned(bytes)).toEqual(unsigned(theirs));
			const ours = await api(`${f.ref.replace(/:[^:/]+$/, '')}@${f.digest}`);
			expect(ours.status).toBe(200);
			expect(ours.body).toMatchObject({ Digest: f.digest, Tag: f.manifestTag, Schema1: true, Layers: f.layerDigests });
			expect(ours.body.Signatures).toEqual(f.keyIds.map((k) => expect.objectContaining({ KeyID: k, Status: 'valid' })));
			// No config blob: skopeo --config --raw prints nothing, regscope says why.
			expect((await skopeoInspectBytes(f.ref, { config: true, raw: true })).length).toBe(0);
			const config = await fetch(`${appUrl}/api/inspect?${new URLSearchParams({ ref: f.ref, config: '1' })}`);
			expect(config.status).toBe(400);
			expect(((await config.json()) as { error: { message: string } }).error.message).toContain('no config blob');
		}
	);

	it('picks the platform skopeo picks for the buildx index by default (attestations skipped)', async () => {
		const f = fixtures['buildx-attestations'];
		const ours = await api(f.ref);
		const theirs = (await skopeoInspect(f.ref)) as Record<string, unknown>;
		expect(ours.body.Layers).toEqual(theirs.Layers);
		expect(ours.body.Architecture).toBe('amd64');
	});
});
