/**
 * Where a long reference may wrap: after each `/`, before `:` and `@`, so a line breaks between the
 * parts of a name and never inside a word (the digest, longer than a phone is wide, is the exception
 * the page allows with overflow-wrap).
 */
export function breakPoints(reference: string): string[] {
	return reference.split(/(?<=\/)|(?=[:@])/);
}
