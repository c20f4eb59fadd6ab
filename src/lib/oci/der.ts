/**
 * A minimal DER reader: enough to walk X.509 certificates, SubjectPublicKeyInfo and ECDSA
 * signatures. Throws plain Errors with a short reason; callers turn them into their own messages.
 */

export interface Tlv {
	tag: number;
	/** Offset of the tag byte. */
	start: number;
	/** Offset of the contents. */
	body: number;
	/** Offset just past the contents. */
	end: number;
}

export function readTlv(der: Uint8Array, at: number, limit = der.length): Tlv {
	if (at + 2 > limit) throw new Error('truncated DER');
	const tag = der[at]!;
	if ((tag & 0x1f) === 0x1f) throw new Error('multi-byte DER tags are not supported');
	let length = der[at + 1]!;
	let body = at + 2;
	if (length & 0x80) {
		const n = length & 0x7f;
		if (n === 0 || n > 4) throw new Error('unsupported DER length');
		if (body + n > limit) throw new Error('truncated DER length');
		length = 0;
		for (let i = 0; i < n; i++) length = length * 256 + der[body + i]!;
		body += n;
	}
	const end = body + length;
	if (end > limit) throw new Error('DER element runs past its container');
	return { tag, start: at, body, end };
}

export function children(der: Uint8Array, parent: Tlv): Tlv[] {
	const out: Tlv[] = [];
	for (let at = parent.body; at < parent.end;) {
		const tlv = readTlv(der, at, parent.end);
		out.push(tlv);
		at = tlv.end;
	}
	return out;
}

export function contents(der: Uint8Array, tlv: Tlv): Uint8Array {
	return der.subarray(tlv.body, tlv.end);
}

/** Dotted form of an OBJECT IDENTIFIER's contents: `1.3.6.1.4.1.57264.1.8`. */
export function oidString(bytes: Uint8Array): string {
	if (bytes.length === 0) throw new Error('empty OID');
	const first = bytes[0]!;
	const parts = [Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40];
	let value = 0;
	for (let i = 1; i < bytes.length; i++) {
		const b = bytes[i]!;
		value = value * 128 + (b & 0x7f);
		if (!(b & 0x80)) {
			parts.push(value);
			value = 0;
		}
	}
	return parts.join('.');
}

export const TAG = {
	BOOLEAN: 0x01,
	INTEGER: 0x02,
	BIT_STRING: 0x03,
	OCTET_STRING: 0x04,
	OID: 0x06,
	UTF8_STRING: 0x0c,
	SEQUENCE: 0x30
} as const;

/**
 * An ASN.1 DER ECDSA signature `SEQUENCE { r INTEGER, s INTEGER }` (what cosign stores) as the
 * fixed-width `r‖s` WebCrypto expects. `size` is the curve's byte length (32 for P-256).
 */
export function derSignatureToP1363(der: Uint8Array, size: number): Uint8Array {
	const seq = readTlv(der, 0);
	if (seq.tag !== TAG.SEQUENCE || seq.end !== der.length) throw new Error('not a DER ECDSA signature');
	const parts = children(der, seq);
	if (parts.length !== 2 || parts.some((p) => p.tag !== TAG.INTEGER)) throw new Error('not a DER ECDSA signature');
	const out = new Uint8Array(size * 2);
	parts.forEach((p, i) => {
		let v = contents(der, p);
		while (v.length > 0 && v[0] === 0) v = v.subarray(1);
		if (v.length > size) throw new Error('ECDSA signature value is longer than the curve');
		out.set(v, i * size + size - v.length);
	});
	return out;
}
