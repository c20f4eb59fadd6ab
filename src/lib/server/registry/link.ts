/** `Link` header parsing (RFC 8288) for tag-list pagination. */

export interface LinkValue {
	/** The URI reference between `<` and `>`, unresolved. */
	target: string;
	/** Lowercase relation types (`rel` may hold several, space-separated). */
	rel: string[];
	params: Record<string, string>;
}

export function parseLinkHeader(values: string | readonly string[] | null | undefined): LinkValue[] {
	const list = values == null ? [] : typeof values === 'string' ? [values] : values;
	const out: LinkValue[] = [];
	for (const s of list) {
		let i = 0;
		while (i < s.length) {
			while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++;
			if (s[i] !== '<') {
				// not a link-value: skip to the next comma outside quotes
				while (i < s.length && s[i] !== ',') i++;
				continue;
			}
			const end = s.indexOf('>', i);
			if (end < 0) break;
			const link: LinkValue = { target: s.slice(i + 1, end).trim(), rel: [], params: {} };
			i = end + 1;
			while (i < s.length) {
				while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
				if (s[i] !== ';') break;
				i++;
				while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
				const km = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/.exec(s.slice(i));
				if (!km) break;
				const key = km[0].toLowerCase();
				i += km[0].length;
				while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
				let value = '';
				if (s[i] === '=') {
					i++;
					while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
					if (s[i] === '"') {
						i++;
						while (i < s.length && s[i] !== '"') {
							if (s[i] === '\\' && i + 1 < s.length) i++;
							value += s[i];
							i++;
						}
						i++;
					} else {
						const vm = /^[^;,\s]*/.exec(s.slice(i))!;
						value = vm[0];
						i += vm[0].length;
					}
				}
				if (!(key in link.params)) link.params[key] = value;
			}
			link.rel = (link.params.rel ?? '').toLowerCase().split(/\s+/).filter(Boolean);
			out.push(link);
			while (i < s.length && s[i] !== ',') i++;
		}
	}
	return out;
}

/** The `rel="next"` target resolved against the URL that answered, or null. */
export function nextLink(values: string | readonly string[] | null | undefined, base: URL): URL | null {
	const link = parseLinkHeader(values).find((l) => l.rel.includes('next'));
	if (!link) return null;
	try {
		const u = new URL(link.target, base);
		u.hash = '';
		return u;
	} catch {
		return null;
	}
}
