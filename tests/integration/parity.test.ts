/**
 * Parity with the reference client: for every fixture, and every platform of the multi-platform ones,
 * `/api/inspect` and `skopeo inspect` (run live against the same registry) agree on every field skopeo prints.
 */
import { describe, expect, inject, it } from 'vitest';
import type { Fixture } from '../fixtures/fixtures';
import { skopeoInspect } from '../support/skopeo';

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

/** skopeo's --override-* flags for an `os/arch[/variant]` string. */
function overrides(platform: string | undefined) {
	if (!platform) return {};
	const [os, arch, variant] = platform.split('/');
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

	it('picks the platform skopeo picks for the buildx index by default (attestations skipped)', async () => {
		const f = fixtures['buildx-attestations'];
		const ours = await api(f.ref);
		const theirs = (await skopeoInspect(f.ref)) as Record<string, unknown>;
		expect(ours.body.Layers).toEqual(theirs.Layers);
		expect(ours.body.Architecture).toBe('amd64');
	});
});
