/**
 * A small X.509 reader for what a cosign certificate tells people: the subject alternative names
 * (email, URI, Fulcio's OtherName), the Fulcio OIDC issuer and build extensions, validity, and the
 * public key. It checks nothing about trust: no chain, no signature of the issuer, no SCT.
 */
import { children, contents, oidString, readTlv, TAG, type Tlv } from '../der';

export interface Certificate {
	serialNumber: string;
	issuer: string;
	subject: string;
	notBefore?: string;
	notAfter?: string;
	spki: Uint8Array;
	emails: string[];
	uris: string[];
	/** Fulcio's username OtherName (`1.3.6.1.4.1.57264.1.7`) and any other OtherName as text. */
	otherNames: string[];
	/** Fulcio extensions by name (`issuer`, `buildSignerUri`, `sourceRepositoryUri`…). */
	fulcio: Record<string, string>;
}

const FULCIO = '1.3.6.1.4.1.57264.1.';
/** Fulcio's OIDs (docs/oid-info.md): .1–.6 hold raw strings, .8 and later a DER UTF8String. */
const FULCIO_NAMES: Record<number, string> = {
	1: 'issuer',
	2: 'githubWorkflowTrigger',
	3: 'githubWorkflowSha',
	4: 'githubWorkflowName',
	5: 'githubWorkflowRepository',
	6: 'githubWorkflowRef',
	8: 'issuer',
	9: 'buildSignerUri',
	10: 'buildSignerDigest',
	11: 'runnerEnvironment',
	12: 'sourceRepositoryUri',
	13: 'sourceRepositoryDigest',
	14: 'sourceRepositoryRef',
	15: 'sourceRepositoryIdentifier',
	16: 'sourceRepositoryOwnerUri',
	17: 'sourceRepositoryOwnerIdentifier',
	18: 'buildConfigUri',
	19: 'buildConfigDigest',
	20: 'buildTrigger',
	21: 'runInvocationUri',
	22: 'sourceRepositoryVisibilityAtSigning',
	23: 'deploymentEnvironment',
	24: 'tokenSubject'
};

const NAME_ATTRIBUTES: Record<string, string> = {
	'2.5.4.3': 'CN',
	'2.5.4.6': 'C',
	'2.5.4.7': 'L',
	'2.5.4.8': 'ST',
	'2.5.4.10': 'O',
	'2.5.4.11': 'OU',
	'1.2.840.113549.1.9.1': 'emailAddress'
};

const text = (bytes: Uint8Array) => new TextDecoder('utf-8', { fatal: false }).decode(bytes);
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function formatName(der: Uint8Array, name: Tlv): string {
	const parts: string[] = [];
	for (const rdn of children(der, name)) {
		for (const atv of children(der, rdn)) {
			const [type, value] = children(der, atv);
			if (!type || !value) continue;
			const oid = oidString(contents(der, type));
			parts.push(`${NAME_ATTRIBUTES[oid] ?? oid}=${text(contents(der, value))}`);
		}
	}
	return parts.join(', ');
}

function formatTime(der: Uint8Array, t: Tlv | undefined): string | undefined {
	if (!t) return undefined;
	const s = text(contents(der, t));
	const m = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
	if (!m) return s;
	const year = m[1]!.length === 2 ? (Number(m[1]) >= 50 ? `19${m[1]}` : `20${m[1]}`) : m[1];
	return `${year}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
}

function readSan(value: Uint8Array, cert: Certificate): void {
	const names = readTlv(value, 0);
	for (const gn of children(value, names)) {
		if (gn.tag === 0x81) cert.emails.push(text(contents(value, gn)));
		else if (gn.tag === 0x86) cert.uris.push(text(contents(value, gn)));
		else if (gn.tag === 0xa0) {
			const [type, wrapped] = children(value, gn);
			if (!type || !wrapped) continue;
			const inner = children(value, wrapped)[0];
			const shown = inner ? text(contents(value, inner)) : '';
			const oid = oidString(contents(value, type));
			cert.otherNames.push(oid === `${FULCIO}7` ? shown : `${oid}: ${shown}`);
		}
	}
}

function readFulcio(oid: string, value: Uint8Array, cert: Certificate): void {
	const n = Number(oid.slice(FULCIO.length));
	const name = FULCIO_NAMES[n];
	if (!name) return;
	let s: string;
	if (n >= 8) {
		const inner = readTlv(value, 0);
		if (inner.tag !== TAG.UTF8_STRING) throw new Error(`Fulcio extension ${oid} is not a UTF8String`);
		s = text(contents(value, inner));
	} else s = text(value);
	// The v2 issuer (.8) wins over the deprecated raw one (.1) when both are present.
	if (name === 'issuer' && n === 1 && cert.fulcio.issuer !== undefined) return;
	cert.fulcio[name] = s;
}

/** Parses a DER certificate. Throws an Error saying which part is malformed. */
export function parseCertificate(der: Uint8Array): Certificate {
	const top = readTlv(der, 0);
	if (top.tag !== TAG.SEQUENCE || top.end !== der.length) throw new Error('not a DER certificate');
	const tbs = children(der, top)[0];
	if (!tbs || tbs.tag !== TAG.SEQUENCE) throw new Error('certificate has no tbsCertificate');
	const f = children(der, tbs);
	const o = f[0]?.tag === 0xa0 ? 1 : 0;
	const [serial, , issuer, validity, subject, spki] = f.slice(o, o + 6);
	if (!serial || !issuer || !validity || !subject || !spki || spki.tag !== TAG.SEQUENCE) {
		throw new Error('certificate is missing a tbsCertificate field');
	}
	const times = children(der, validity);
	const cert: Certificate = {
		serialNumber: hex(contents(der, serial)),
		issuer: formatName(der, issuer),
		subject: formatName(der, subject),
		notBefore: formatTime(der, times[0]),
		notAfter: formatTime(der, times[1]),
		spki: der.slice(spki.start, spki.end),
		emails: [],
		uris: [],
		otherNames: [],
		fulcio: {}
	};
	const extensions = f.slice(o + 6).find((t) => t.tag === 0xa3);
	const list = extensions ? children(der, extensions)[0] : undefined;
	for (const ext of list ? children(der, list) : []) {
		const parts = children(der, ext);
		const id = parts[0];
		const value = parts[parts.length - 1];
		if (!id || !value || value.tag !== TAG.OCTET_STRING) continue;
		const oid = oidString(contents(der, id));
		const bytes = contents(der, value);
		if (oid === '2.5.29.17') readSan(bytes, cert);
		else if (oid.startsWith(FULCIO)) readFulcio(oid, bytes, cert);
	}
	return cert;
}

/** The signer's identity as Fulcio puts it in the SAN: an email, else a URI, else an OtherName. */
export function certificateIdentity(cert: Certificate): string | undefined {
	return cert.emails[0] ?? cert.uris[0] ?? cert.otherNames[0];
}
