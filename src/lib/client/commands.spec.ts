import { describe, expect, it } from 'vitest';
import { parseDigest } from '$lib/oci/digest';
import { parseReference } from '$lib/oci/reference';
import { commandsFor, inspectApiPath } from './commands';

const D = parseDigest(`sha256:${'ab'.repeat(32)}`);
const byLabel = (cmds: { label: string; command: string }[], label: string) => cmds.find((c) => c.label === label)?.command;

describe('commandsFor', () => {
	it('pins every command to the digest, dropping the tag', () => {
		const cmds = commandsFor(parseReference('alpine:3.20'), D);
		expect(cmds.map((c) => c.label)).toEqual(['docker pull', 'skopeo inspect', 'crane manifest', 'crane config', 'regctl', 'oras']);
		expect(byLabel(cmds, 'docker pull')).toBe(`docker pull alpine@${D}`);
		expect(byLabel(cmds, 'skopeo inspect')).toBe(`skopeo inspect docker://docker.io/library/alpine@${D}`);
		expect(byLabel(cmds, 'regctl')).toBe(`regctl manifest get docker.io/library/alpine@${D}`);
		expect(byLabel(cmds, 'oras')).toBe(`oras manifest fetch docker.io/library/alpine@${D}`);
		for (const c of cmds) expect(c.command).not.toContain('3.20');
	});

	it("passes the chosen platform in each tool's own flags", () => {
		const cmds = commandsFor(parseReference('ghcr.io/o/app:1'), D, { platform: 'linux/arm64/v8' });
		expect(byLabel(cmds, 'docker pull')).toBe(`docker pull --platform linux/arm64/v8 ghcr.io/o/app@${D}`);
		expect(byLabel(cmds, 'skopeo inspect')).toBe(
			`skopeo inspect --override-os linux --override-arch arm64 --override-variant v8 docker://ghcr.io/o/app@${D}`
		);
		expect(byLabel(cmds, 'crane manifest')).toBe(`crane manifest --platform linux/arm64/v8 ghcr.io/o/app@${D}`);
		expect(byLabel(cmds, 'crane config')).toBe(`crane config --platform linux/arm64/v8 ghcr.io/o/app@${D}`);
		expect(byLabel(cmds, 'regctl')).toBe(`regctl manifest get --platform linux/arm64/v8 ghcr.io/o/app@${D}`);
		expect(byLabel(cmds, 'oras')).toBe(`oras manifest fetch --platform linux/arm64/v8 ghcr.io/o/app@${D}`);
	});

	it('gives each tool its plain-http flag for a registry reached over http', () => {
		const cmds = commandsFor(parseReference('127.0.0.1:5000/x/app:1'), D, { insecure: true });
		expect(byLabel(cmds, 'skopeo inspect')).toBe(`skopeo inspect --tls-verify=false docker://127.0.0.1:5000/x/app@${D}`);
		expect(byLabel(cmds, 'crane manifest')).toBe(`crane manifest --insecure 127.0.0.1:5000/x/app@${D}`);
		expect(byLabel(cmds, 'crane config')).toBe(`crane config --insecure 127.0.0.1:5000/x/app@${D}`);
		expect(byLabel(cmds, 'regctl')).toBe(`regctl --host reg=127.0.0.1:5000,tls=disabled manifest get 127.0.0.1:5000/x/app@${D}`);
		expect(byLabel(cmds, 'oras')).toBe(`oras manifest fetch --plain-http 127.0.0.1:5000/x/app@${D}`);
		expect(cmds.find((c) => c.label === 'docker pull')?.note).toContain('insecure-registries');
	});

	it('offers only the commands that still read a schema1 image', () => {
		const cmds = commandsFor(parseReference('127.0.0.1:5000/old/app:1'), D, { schema1: true });
		expect(cmds.map((c) => c.label)).toEqual(['skopeo inspect', 'crane manifest']);
	});

	it('adds the curl command for this view as JSON when the origin is known', () => {
		const ref = parseReference('ghcr.io/o/app:1');
		const cmds = commandsFor(ref, D, { platform: 'linux/amd64', origin: 'http://localhost:3000' });
		expect(inspectApiPath(ref, D, 'linux/amd64')).toBe(`/api/inspect?ref=ghcr.io/o/app@${D}&platform=linux/amd64`);
		expect(byLabel(cmds, 'this view as JSON (curl)')).toBe(
			`curl 'http://localhost:3000/api/inspect?ref=ghcr.io/o/app@${D}&platform=linux/amd64'`
		);
	});
});
