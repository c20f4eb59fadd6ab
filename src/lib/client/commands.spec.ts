import { describe, expect, it } from 'vitest';
import { parseDigest } from '$lib/oci/digest';
import { parseReference } from '$lib/oci/reference';
import { commandsFor } from './commands';

const D = parseDigest(`sha256:${'ab'.repeat(32)}`);

describe('commandsFor', () => {
	it('pins every command to the digest, dropping the tag', () => {
		const cmds = commandsFor(parseReference('alpine:3.20'), D);
		expect(cmds.map((c) => c.label)).toEqual(['docker pull', 'skopeo inspect', 'crane manifest', 'crane config']);
		expect(cmds[0]?.command).toBe(`docker pull alpine@${D}`);
		expect(cmds[1]?.command).toBe(`skopeo inspect docker://docker.io/library/alpine@${D}`);
		for (const c of cmds) expect(c.command).not.toContain('3.20');
	});

	it('passes the chosen platform in each tool\'s own flags', () => {
		const cmds = commandsFor(parseReference('ghcr.io/o/app:1'), D, 'linux/arm64/v8');
		expect(cmds[0]?.command).toBe(`docker pull --platform linux/arm64/v8 ghcr.io/o/app@${D}`);
		expect(cmds[1]?.command).toBe(
			`skopeo inspect --override-os linux --override-arch arm64 --override-variant v8 docker://ghcr.io/o/app@${D}`
		);
		expect(cmds[3]?.command).toBe(`crane config --platform linux/arm64/v8 ghcr.io/o/app@${D}`);
	});

	it('offers only the commands that still read a schema1 image', () => {
		const cmds = commandsFor(parseReference('127.0.0.1:5000/old/app:1'), D, undefined, true);
		expect(cmds.map((c) => c.label)).toEqual(['skopeo inspect', 'crane manifest']);
	});
});
