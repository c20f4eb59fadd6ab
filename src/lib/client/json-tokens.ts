/** Splits pretty-printed JSON into tokens for highlighting; digest strings get a link target. */

export type TokenKind = 'key' | 'string' | 'number' | 'literal' | 'punct' | 'space';
export interface Token {
	kind: TokenKind;
	text: string;
	/** For a string holding a digest: where it leads (undefined when nowhere). */
	href?: string;
}

const TOKEN = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null)|([{}[\],:])|(\s+)/g;
const DIGEST = /^"(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})"$/;

/** Pretty-prints the bytes (already verified) and tokenizes them. Non-JSON bytes become one token. */
export function tokenize(bytes: Uint8Array, linkFor: (digest: string) => string | undefined): Token[] {
	const text = new TextDecoder().decode(bytes);
	let pretty: string;
	try {
		pretty = JSON.stringify(JSON.parse(text), null, 2);
	} catch {
		return [{ kind: 'string', text }];
	}
	const out: Token[] = [];
	for (const m of pretty.matchAll(TOKEN)) {
		if (m[1] !== undefined) {
			if (m[2] !== undefined) {
				out.push({ kind: 'key', text: m[1] }, { kind: 'punct', text: m[2] });
			} else {
				const d = DIGEST.exec(m[1]);
				out.push({ kind: 'string', text: m[1], href: d?.[1] ? linkFor(d[1]) : undefined });
			}
		} else if (m[3] !== undefined) out.push({ kind: 'number', text: m[3] });
		else if (m[4] !== undefined) out.push({ kind: 'literal', text: m[4] });
		else if (m[5] !== undefined) out.push({ kind: 'punct', text: m[5] });
		else out.push({ kind: 'space', text: m[0] });
	}
	return out;
}
