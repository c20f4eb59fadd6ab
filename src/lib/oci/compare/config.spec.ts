import { describe, expect, it } from 'vitest';
import type { ContainerConfig, ImageConfig } from '../model';
import { compareConfig } from './config';

function cfg(config: ContainerConfig, extra: Partial<ImageConfig> = {}): ImageConfig {
	return { architecture: 'amd64', os: 'linux', config, rootfs: { type: 'layers', diff_ids: [] }, history: [], ...extra };
}

describe('compareConfig', () => {
	it('reports one env variable and one label changed, with both values and the entries that differ', () => {
		const a = cfg({ Env: ['PATH=/bin', 'APP_VERSION=1.4'], Labels: { v: '1.4', t: 'x' }, Cmd: ['/app'] });
		const b = cfg({ Env: ['PATH=/bin', 'APP_VERSION=1.5'], Labels: { v: '1.5', t: 'x' }, Cmd: ['/app'] });
		const changes = compareConfig(a, b);
		expect(changes.map((c) => c.key)).toEqual(['Env', 'Labels']);
		expect(changes[0]).toEqual({
			key: 'Env',
			a: ['PATH=/bin', 'APP_VERSION=1.4'],
			b: ['PATH=/bin', 'APP_VERSION=1.5'],
			entries: [{ name: 'APP_VERSION', a: '1.4', b: '1.5' }]
		});
		expect(changes[1]!.entries).toEqual([{ name: 'v', a: '1.4', b: '1.5' }]);
	});

	it('says which entries were added and removed', () => {
		const [env] = compareConfig(cfg({ Env: ['A=1', 'B=2'] }), cfg({ Env: ['B=2', 'C=3'] }));
		expect(env!.entries).toEqual([
			{ name: 'A', a: '1' },
			{ name: 'C', b: '3' }
		]);
	});

	it('ignores Env order, and compares argv, scalars, ports, volumes and platform fields', () => {
		expect(compareConfig(cfg({ Env: ['A=1', 'B=2'] }), cfg({ Env: ['B=2', 'A=1'] }))).toEqual([]);
		const a = cfg({ Entrypoint: ['/a'], Cmd: ['x'], User: 'app', WorkingDir: '/w', ExposedPorts: { '80/tcp': {} }, Volumes: { '/d': {} } });
		const b = cfg(
			{ Entrypoint: ['/b'], Cmd: ['x'], WorkingDir: '/w', ExposedPorts: { '80/tcp': {}, '443/tcp': {} } },
			{ architecture: 'arm64', variant: 'v8' }
		);
		const changes = compareConfig(a, b);
		expect(changes.map((c) => c.key)).toEqual(['architecture', 'variant', 'Entrypoint', 'User', 'ExposedPorts', 'Volumes']);
		expect(changes.find((c) => c.key === 'User')).toEqual({ key: 'User', a: 'app', b: null });
		expect(changes.find((c) => c.key === 'ExposedPorts')!.entries).toEqual([{ name: '443/tcp', b: '' }]);
		expect(changes.find((c) => c.key === 'Volumes')!.entries).toEqual([{ name: '/d', a: '' }]);
	});

	it('an absent config (artifact) differs in every key the other sets', () => {
		const changes = compareConfig(null, cfg({ User: 'app' }));
		expect(changes.map((c) => c.key)).toEqual(['os', 'architecture', 'User']);
		expect(compareConfig(null, null)).toEqual([]);
	});
});
