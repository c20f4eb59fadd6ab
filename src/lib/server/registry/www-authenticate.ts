/**
 * `WWW-Authenticate` challenges (RFC 9110 §11.6.1). Hand-written on purpose: no maintained Node package
 * parses several challenges per header with quoted commas and token68 the way registries send them.
 */

export interface Challenge {
	/** Lowercase scheme: `bearer`, `basic`, … */
	scheme: string;
	/** Lowercase keys. `token68` holds a bare token68 value if the challenge had one. */
	params: Record<string, string>;
}

const TCHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;
const TOKEN68 = /^([A-Za-z0-9\-._~+/]+=*)[ \t]*(?:,|$)/;

/**
 * Parses one or more `WWW-Authenticate` values (RFC 9110 §11.6.1): several challenges per header, quoted
 * values with commas and backslash escapes, unquoted values, case-insensitive scheme and keys.
 */
export function parseWwwAuthenticate(values: string | readonly string[] | null | undefined): Challenge[] {
	const list = values == null ? [] : typeof values === 'string' ? [values] : values;
	const out: Challenge[] = [];
	for (const value of list) parseOne(value, out);
	return out;
}

function parseOne(s: string, out: Challenge[]): void {
	let i = 0;
	let current: Challenge | null = null;
	const ws = () => {
		while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
	};
	const token = () => {
		const start = i;
		while (i < s.length && TCHAR.test(s[i]!)) i++;
		return s.slice(start, i);
	};
	const unquoted = () => {
		const start = i;
		while (i < s.length && s[i] !== ',' && s[i] !== ' ' && s[i] !== '\t') i++;
		return s.slice(start, i);
	};
	const skipToComma = () => {
		while (i < s.length && s[i] !== ',') {
			if (s[i] === '"') {
				quoted();
			} else i++;
		}
	};
	const quoted = () => {
		// assumes s[i] === '"'
		i++;
		let v = '';
		while (i < s.length && s[i] !== '"') {
			if (s[i] === '\\' && i + 1 < s.length) i++;
			v += s[i];
			i++;
		}
		i++; // closing quote (or end)
		return v;
	};
	while (i < s.length) {
		ws();
		if (s[i] === ',') {
			i++;
			continue;
		}
		if (i >= s.length) break;
		const t = token();
		if (!t) {
			// garbage: skip to the next comma
			i++;
			skipToComma();
			continue;
		}
		ws();
		if (s[i] === '=' && current) {
			// could be a param, or a token68 ending in '=' right after the scheme (handled below)
			i++;
			ws();
			const v = s[i] === '"' ? quoted() : unquoted();
			current.params[t.toLowerCase()] = v;
			ws();
			if (i < s.length && s[i] !== ',') skipToComma();
			continue;
		}
		// a new challenge
		current = { scheme: t.toLowerCase(), params: {} };
		out.push(current);
		ws();
		const m = TOKEN68.exec(s.slice(i));
		if (m) {
			current.params.token68 = m[1]!;
			i += m[1]!.length;
		}
	}
}

/** Picks the challenge to answer: Bearer first, then Basic. */
export function pickChallenge(challenges: Challenge[]): Challenge | null {
	return challenges.find((c) => c.scheme === 'bearer' && c.params.realm) ?? challenges.find((c) => c.scheme === 'basic') ?? null;
}
