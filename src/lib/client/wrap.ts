/**
 * Where a long reference may wrap: after each `/`, before `:` and `@`, so a line breaks between the
 * parts of a name, not at a hyphen or a dot inside one.
 */
export function breakPoints(reference: string): string[] {
	return reference.split(/(?<=\/)|(?=[:@])/);
}

/**
 * Whether a part from breakPoints is kept on one line. Names are; a digest's hex, wider than a phone,
 * may still break anywhere rather than overflow.
 */
export function keepWhole(part: string): boolean {
	return part.length <= 32;
}
