/**
 * Site-wide settings the pages need from the server: the example references on the home page.
 * `REGSCOPE_EXAMPLES` (comma-separated references) replaces the built-in public examples, e.g. for a
 * registry on a private network (`npm run demo` sets it to the local fixtures).
 */
import { env } from '$env/dynamic/private';
import type { LayoutServerLoad } from './$types';

const PUBLIC_EXAMPLES = [
	'alpine:3.20',
	'docker.io/library/nginx:1.27',
	'gcr.io/distroless/static-debian12:nonroot',
	'ghcr.io/home-assistant/home-assistant:stable',
	'quay.io/prometheus/prometheus:latest'
];

export const load: LayoutServerLoad = () => {
	const configured = (env.REGSCOPE_EXAMPLES ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean)
		.slice(0, 12);
	return { examples: configured.length > 0 ? configured : PUBLIC_EXAMPLES };
};
