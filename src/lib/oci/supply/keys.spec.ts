import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derSignatureToP1363 } from '../der';
import { importPublicKeyPem, verifySignature } from './keys';

const data = new TextEncoder().encode('{"critical":{}}');

function pem(publicKey: KeyObject): string {
	return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

describe('importPublicKeyPem + verifySignature', () => {
	const cases: [string, () => { publicKey: KeyObject; privateKey: KeyObject }, string | null, string][] = [
		['EC P-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'sha256', 'EC P-256'],
		['EC P-384 (SHA-384)', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }), 'sha384', 'EC P-384'],
		['EC P-384 (cosign: SHA-256)', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }), 'sha256', 'EC P-384'],
		['RSA', () => generateKeyPairSync('rsa', { modulusLength: 2048 }), 'sha256', 'RSA'],
		['Ed25519', () => generateKeyPairSync('ed25519'), null, 'Ed25519']
	];
	for (const [name, make, hash, type] of cases) {
		it(`${name}: verifies its own signature, not another key's, not tampered data`, async () => {
			const pair = make();
			const other = make();
			const signature = sign(hash, data, pair.privateKey);
			const key = await importPublicKeyPem(pem(pair.publicKey));
			expect(key.type).toBe(type);
			expect(await verifySignature(key, data, signature)).toBe(true);
			expect(await verifySignature(await importPublicKeyPem(pem(other.publicKey)), data, signature)).toBe(false);
			const tampered = data.slice();
			tampered[0] = tampered[0]! ^ 1;
			expect(await verifySignature(key, tampered, signature)).toBe(false);
		});
	}

	it('a garbage signature is false, not an exception', async () => {
		const key = await importPublicKeyPem(pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey));
		expect(await verifySignature(key, data, new Uint8Array([1, 2, 3]))).toBe(false);
	});

	it('refuses a private key, an unsupported curve and text without PEM', async () => {
		const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
		await expect(importPublicKeyPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).rejects.toThrow(
			/never paste a private key/
		);
		const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey;
		await expect(importPublicKeyPem(pem(k1))).rejects.toThrow(/only P-256 and P-384/);
		await expect(importPublicKeyPem('hello')).rejects.toThrow(/no PEM block/);
	});
});

describe('derSignatureToP1363', () => {
	it('left-pads short integers and strips the sign byte', () => {
		// SEQUENCE { INTEGER 0x00ff.. (33 bytes with sign), INTEGER 0x01 }
		const r = [0x00, ...new Array(32).fill(0xff)];
		const der = new Uint8Array([0x30, 2 + 33 + 3, 0x02, 33, ...r, 0x02, 1, 0x01]);
		const out = derSignatureToP1363(der, 32);
		expect(out.length).toBe(64);
		expect(out.subarray(0, 32).every((b) => b === 0xff)).toBe(true);
		expect(out[63]).toBe(1);
		expect(out.subarray(32, 63).every((b) => b === 0)).toBe(true);
	});
	it('refuses trailing bytes', () => {
		expect(() => derSignatureToP1363(new Uint8Array([0x30, 6, 2, 1, 1, 2, 1, 1, 0]), 32)).toThrow();
	});
});
