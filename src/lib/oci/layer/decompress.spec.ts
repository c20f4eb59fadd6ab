import { randomBytes } from 'node:crypto';
import { constants, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDecompressor } from './decompress';

/**
 * DecompressionStream('gzip') as browsers implement it (Chromium's InflateTransformer): one member only;
 * a write that runs past the member's end puts out the member's last bytes, then throws; any later
 * write throws at once. Node's own (before 24.19) reads through members, which would hide the case.
 */
class StrictGunzip extends TransformStream<Uint8Array, Uint8Array> {
	constructor() {
		let input = new Uint8Array(0);
		let emitted = 0;
		let ended = false;
		/** Output of the first member when it ends within `bytes`, with the length it took; else null. */
		const firstMember = (bytes: Uint8Array) => {
			try {
				// The deflate data after gzipSync's 10-byte header; `bytesWritten` is how much of it the member used.
				const { buffer, engine } = inflateRawSync(bytes.subarray(10), { info: true }) as unknown as {
					buffer: Buffer;
					engine: { bytesWritten: number };
				};
				const length = 10 + engine.bytesWritten + 8;
				return length <= bytes.length ? { out: buffer, length } : null;
			} catch {
				return null;
			}
		};
		super({
			transform(chunk, controller) {
				if (ended) throw new TypeError('Junk found after end of compressed data.');
				const next = new Uint8Array(input.length + chunk.length);
				next.set(input);
				next.set(chunk, input.length);
				input = next;
				const member = firstMember(input);
				const out = member?.out ?? gunzipSync(input, { finishFlush: constants.Z_SYNC_FLUSH });
				if (out.length > emitted) controller.enqueue(new Uint8Array(out.subarray(emitted)));
				emitted = out.length;
				if (member) {
					ended = true;
					if (member.length < input.length) throw new TypeError('Junk found after end of compressed data.');
				}
			},
			flush() {
				if (!ended) throw new TypeError('Compressed input was truncated.');
			}
		});
	}
}

async function decode(blob: Uint8Array, step: number): Promise<Uint8Array> {
	const parts: Uint8Array[] = [];
	const d = createDecompressor('gzip', (c) => parts.push(c.slice()));
	for (let at = 0; at < blob.length; at += step) await d.write(blob.slice(at, at + step));
	await d.close();
	return new Uint8Array(Buffer.concat(parts));
}

const concat = (...xs: Uint8Array[]) => new Uint8Array(Buffer.concat(xs));
// Random bytes are stored uncompressed, so the compressed data itself holds gzip magic now and then.
const magicInside = concat(randomBytes(3000), Uint8Array.of(0x1f, 0x8b, 0x08, 0, 0, 0, 0), randomBytes(3000));
const parts = [new TextEncoder().encode('first member\n'), magicInside, new Uint8Array(0), new Uint8Array(20_000).fill(7)];
const members = parts.map((p) => new Uint8Array(gzipSync(p)));
const multi = concat(...members);
const whole = concat(...parts);

for (const [platform, stub] of [
	['a browser-strict DecompressionStream', true],
	["Node's DecompressionStream", false]
] as const) {
	describe(`gzip decompression with ${platform}`, () => {
		afterEach(() => void vi.unstubAllGlobals());
		const setup = () => stub && vi.stubGlobal('DecompressionStream', StrictGunzip);

		for (const step of [3, 997, 4096, multi.length]) {
			it(`decodes every member of a multi-member gzip fed in pieces of ${step}`, async () => {
				setup();
				expect(await decode(multi, step)).toEqual(whole);
			});
		}

		it('decodes a single member whose compressed bytes contain the gzip magic', async () => {
			setup();
			expect(await decode(members[1]!, 1000)).toEqual(magicInside);
		});

		it('still refuses bytes after a member that are no member', async () => {
			setup();
			const junk = concat(members[0]!, Uint8Array.of(0x1f, 0x8b, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17));
			await expect(decode(junk, 7)).rejects.toThrow(/not valid gzip data/);
		});

		it('refuses a truncated last member', async () => {
			setup();
			await expect(decode(multi.subarray(0, multi.length - 3), 1000)).rejects.toThrow(/not valid gzip data/);
		});
	});
}
