import { describe, it, expect } from 'vitest';
import { parseConfig } from './config';
import { computeDigest } from './digest';
import { verifyBytes } from './verify';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const base = { architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: [D('1')] } };

async function parse(value: unknown) {
	const bytes = new TextEncoder().encode(JSON.stringify(value));
	return parseConfig(await verifyBytes(bytes, await computeDigest(bytes)));
}

describe('parseConfig', () => {
	it('parses a Docker-built config', async () => {
		const config = await parse({
			...base,
			created: '2024-03-01T12:34:56.789012345Z',
			author: 'someone',
			variant: 'v8',
			docker_version: '24.0.7',
			container_config: { Cmd: ['ignored'] },
			config: {
				User: 'app',
				Env: ['PATH=/bin', 'A=<b>&c'],
				Entrypoint: ['/entry'],
				Cmd: null,
				ExposedPorts: { '80/tcp': {}, '53/udp': null },
				Labels: { 'org.opencontainers.image.source': 'https://x' },
				WorkingDir: '/app',
				Healthcheck: { Test: ['CMD', 'true'], Interval: 30000000000 },
				ArgsEscaped: true
			},
			history: [
				{ created: '2024-03-01T00:00:00Z', created_by: '/bin/sh -c #(nop) ADD file:x in /' },
				{ created_by: 'ENV A=b', empty_layer: true, comment: 'buildkit.dockerfile.v0' }
			]
		});
		expect(config).toEqual({
			architecture: 'arm64',
			os: 'linux',
			created: '2024-03-01T12:34:56.789012345Z',
			author: 'someone',
			variant: 'v8',
			docker_version: '24.0.7',
			config: {
				User: 'app',
				Env: ['PATH=/bin', 'A=<b>&c'],
				Entrypoint: ['/entry'],
				ExposedPorts: { '80/tcp': {}, '53/udp': {} },
				Labels: { 'org.opencontainers.image.source': 'https://x' },
				WorkingDir: '/app',
				Healthcheck: { Test: ['CMD', 'true'], Interval: 30000000000 },
				ArgsEscaped: true
			},
			rootfs: { type: 'layers', diff_ids: [D('1')] },
			history: [
				{ created: '2024-03-01T00:00:00Z', created_by: '/bin/sh -c #(nop) ADD file:x in /' },
				{ created_by: 'ENV A=b', empty_layer: true, comment: 'buildkit.dockerfile.v0' }
			]
		});
	});

	it('treats null optional fields as absent', async () => {
		const config = await parse({
			...base,
			created: null,
			config: null,
			history: null,
			'os.features': null,
			rootfs: { type: 'layers', diff_ids: null }
		});
		expect(config).toEqual({ architecture: 'arm64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] }, history: [] });
	});

	it.each([
		[{}, { architecture: '', os: '', rootfs: { type: '', diff_ids: [] }, missing: ['architecture', 'os', 'rootfs'] }],
		[
			{ ...base, rootfs: undefined },
			{ architecture: 'arm64', os: 'linux', rootfs: { type: '', diff_ids: [] }, missing: ['rootfs'] }
		],
		[
			{ ...base, architecture: null },
			{ architecture: '', os: 'linux', rootfs: base.rootfs, missing: ['architecture'] }
		]
	])('reads a config lacking required fields as skopeo does, naming them (%#)', async (value, expected) => {
		expect(await parse(value)).toEqual({ config: {}, history: [], ...expected });
	});

	it('lists nothing as missing in a complete config', async () => {
		expect(await parse(base)).not.toHaveProperty('missing');
	});

	it.each([
		[{ ...base, os: 7 }, 'config field os must be a string'],
		[{ ...base, rootfs: 'layers' }, 'config field rootfs must be an object'],
		[{ ...base, rootfs: { diff_ids: ['sha256:abc'] } }, 'config field rootfs.diff_ids[0]'],
		[{ ...base, rootfs: { diff_ids: 'x' } }, 'config field rootfs.diff_ids must be an array'],
		[{ ...base, config: { Env: 'A=b' } }, 'config field config.Env must be an array'],
		[{ ...base, config: { Labels: { 'com.example.v': 1 } } }, 'config field config.Labels.com.example.v must be a string'],
		[{ ...base, config: { Labels: { 'a b': 1 } } }, 'config field config.Labels["a b"] must be a string'],
		[{ ...base, history: [{ empty_layer: 'yes' }] }, 'config field history[0].empty_layer must be true or false'],
		[{ ...base, history: ['x'] }, 'config field history[0] must be an object'],
		['just a string', 'config field (top level) must be an object']
	])('rejects %#: %s', async (value, message) => {
		await expect(parse(value)).rejects.toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringContaining(message) });
	});

	it('says when the blob is not JSON', async () => {
		const bytes = new TextEncoder().encode('<html>nope</html>');
		const verified = await verifyBytes(bytes, await computeDigest(bytes));
		expect(() => parseConfig(verified)).toThrow(
			expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining('HTML') })
		);
	});
});
