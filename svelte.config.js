import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The inline script a digest permalink paints its first verdict with (src/lib/client/early-verdict.js), by hash.
 * @type {`sha256-${string}`}
 */
const earlyVerdict = `sha256-${createHash('sha256')
	.update(readFileSync(new URL('./src/lib/client/early-verdict.js', import.meta.url)))
	.digest('base64')}`;

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build', precompress: true }),
		// Pages only (API answers carry their own stricter policy, set in hooks.server.ts). SvelteKit adds
		// the hash of each page's inline start-up script to script-src, and the early verdict's is ours;
		// hash-wasm compiles WebAssembly, hence 'wasm-unsafe-eval'; Svelte's transitions set inline styles, hence
		// style-src 'unsafe-inline'.
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', 'wasm-unsafe-eval', earlyVerdict],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:'],
				'connect-src': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
