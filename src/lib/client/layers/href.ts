/** Layer browser permalinks: `?layer=<digest>&path=/etc/os-release` beside the other parameters. */

/** The permalink query for a layer (and a file in it), keeping the other parameters (platform). */
export function layerHref(current: URL, digest: string, path?: string): string {
	const q = new URLSearchParams(current.searchParams);
	q.set('layer', digest);
	if (path !== undefined) q.set('path', `/${path}`);
	else q.delete('path');
	return `?${q.toString().replace(/%2F/gi, '/').replace(/%3A/gi, ':')}#files`;
}

/** `?path=/etc/os-release` → `etc/os-release`. */
export function pathParam(url: URL): string | null {
	const p = url.searchParams.get('path');
	if (p === null || p.trim() === '') return null;
	return p.replace(/^\/+/, '');
}
