/**
 * Where a long reference may wrap: after each `/`, before `:` and `@`, so a line breaks between the
 * parts of a name, not at a hyphen inside one (the page keeps short parts whole; the digest, wider than a
 * phone, may still break anywhere).
 */
export function breakPoints(reference: string): string[] {
	return reference.split(/(?<=\/)|(?=[:@])/);
}
