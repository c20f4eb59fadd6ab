/**
 * Test certificates made by openssl (node:crypto reads certificates but cannot make them): a
 * self-signed leaf shaped like a Fulcio one, with a critical SAN and Fulcio OIDC extensions.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';

export interface FulcioCertOptions {
	/** `email:a@b` or `URI:https://…` */
	san: string;
	/** The OIDC issuer, written as both the deprecated raw .1 and the v2 UTF8String .8 extensions. */
	issuer: string;
	/** More v2 extensions: `{ 9: 'https://…' }` for `1.3.6.1.4.1.57264.1.9`. */
	extra?: Record<number, string>;
}

const hexBytes = (s: string) => Array.from(Buffer.from(s, 'utf8'), (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');

/** A PEM certificate for `privateKey`, signed by itself. */
export function fulcioStyleCertificate(privateKey: KeyObject, opts: FulcioCertOptions): string {
	const dir = mkdtempSync(join(tmpdir(), 'regscope-cert-'));
	try {
		const keyFile = join(dir, 'key.pem');
		writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
		const ext = [
			`subjectAltName=critical,${opts.san}`,
			'extendedKeyUsage=codeSigning',
			`1.3.6.1.4.1.57264.1.1=DER:${hexBytes(opts.issuer)}`,
			`1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:${opts.issuer}`,
			...Object.entries(opts.extra ?? {}).map(([n, v]) => `1.3.6.1.4.1.57264.1.${n}=ASN1:UTF8String:${v}`)
		];
		return execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-new',
				'-key',
				keyFile,
				'-subj',
				'/O=sigstore.dev',
				'-days',
				'1',
				'-set_serial',
				'4660',
				...ext.flatMap((e) => ['-addext', e])
			],
			{ encoding: 'utf8' }
		);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
