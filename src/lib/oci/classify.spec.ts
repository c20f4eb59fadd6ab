import { describe, expect, it } from 'vitest';
import { classifyInput, isRegistryName, registryPath } from './classify';

const digest = `sha256:${'a'.repeat(64)}`;

describe('classifyInput', () => {
	it.each([
		'localhost',
		'localhost:5000',
		'registry.corp',
		'registry.corp:5000',
		'127.0.0.1',
		'127.0.0.1:5000',
		'[::1]:5000',
		'docker.io',
		'ghcr.io',
		'docker://ghcr.io',
		' quay.io '
	])('%s is a registry', (input) => {
		const c = classifyInput(input);
		expect(c.kind).toBe('registry');
		if (c.kind === 'registry') expect(c.registry).toBe(input.trim().replace('docker://', ''));
	});

	it.each([
		['alpine', 'docker.io', 'library/alpine'],
		['node', 'docker.io', 'library/node'],
		['owner/app', 'docker.io', 'owner/app'],
		['127.0.0.1:5000/fixtures/app', '127.0.0.1:5000', 'fixtures/app'],
		['ghcr.io/o/r/', 'ghcr.io', 'o/r'],
		['localhost/app', 'localhost', 'app']
	])('%s is a repository (no :latest added)', (input, registry, repository) => {
		const c = classifyInput(input);
		expect(c).toEqual({ kind: 'repository', ref: { registry, repository } });
	});

	it.each([
		['alpine:3.20', 'docker.io', 'library/alpine', '3.20', undefined],
		['node:20', 'docker.io', 'library/node', '20', undefined],
		['myhost:5000', 'docker.io', 'library/myhost', '5000', undefined],
		[`alpine@${digest}`, 'docker.io', 'library/alpine', undefined, digest],
		['localhost:5000/app:latest', 'localhost:5000', 'app', 'latest', undefined]
	])('%s is an image', (input, registry, repository, tag, d) => {
		const c = classifyInput(input);
		expect(c.kind).toBe('image');
		if (c.kind === 'image') expect(c.ref).toEqual({ registry, repository, ...(tag ? { tag } : {}), ...(d ? { digest: d } : {}) });
	});

	it('a dotless host:port is a registry when written with a trailing slash', () => {
		expect(classifyInput('myhost:5000/')).toEqual({ kind: 'registry', registry: 'myhost:5000' });
		expect(classifyInput('registry.corp/')).toEqual({ kind: 'registry', registry: 'registry.corp' });
	});

	it.each([
		[digest, 'sha256'],
		[`sha512:${'b'.repeat(128)}`, 'sha512'],
		[` ${digest} `, 'sha256']
	])('a bare digest %s gets a hint', (input, algorithm) => {
		expect(() => classifyInput(input)).toThrow(
			expect.objectContaining({
				code: 'INVALID_REFERENCE',
				message: expect.stringContaining(`a digest needs a repository: write name@${algorithm}:…`)
			})
		);
	});

	it.each(['', 'Upper/Case', 'bad::ref', 'localhost:5000/Bad'])('%j is refused as the parser refuses it', (input) => {
		expect(() => classifyInput(input)).toThrow(expect.objectContaining({ code: 'INVALID_REFERENCE' }));
	});
});

describe('isRegistryName / registryPath', () => {
	it.each([
		['registry.corp:5000', true],
		['localhost', true],
		['localhost:0', false],
		['a.b:70000', false],
		['alpine', false],
		['myhost:5000', false]
	])('%s → %s', (s, want) => {
		expect(isRegistryName(s)).toBe(want);
	});
	it('writes dotless hosts with a trailing slash so they read back as registries', () => {
		expect(registryPath('127.0.0.1:5000')).toBe('127.0.0.1:5000');
		expect(registryPath('myhost:5000')).toBe('myhost:5000/');
		const c = classifyInput(registryPath('myhost:5000'));
		expect(c).toEqual({ kind: 'registry', registry: 'myhost:5000' });
	});
});
