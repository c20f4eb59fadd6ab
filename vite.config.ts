import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vitest/config';

/**
 * Browser chunks: the framework in one file, the layout's modules (and the two the home page shares with
 * the permalink) in another, and everything the permalink page imports statically in a third, instead of
 * two dozen small files: fewer requests before the page is interactive, and gzip sees the code as a
 * whole (`npm run size`: 66.6 KB of separately gzipped files became under 60 KB). Lazily loaded code keeps
 * its own chunks; a group takes the modules its test names plus their static imports.
 */
const clientChunks = [
	{ name: 'framework', test: /node_modules[\\/](svelte|@sveltejs[\\/]kit|devalue|clsx|esm-env)[\\/]|preload-helper/, priority: 3 },
	{
		name: 'shell',
		test: /src[\\/](routes[\\/]\+layout\.svelte|lib[\\/]client[\\/]permalink\.ts|lib[\\/]components[\\/]TimeText\.svelte)$/,
		priority: 2
	},
	{ name: 'permalink', test: /src[\\/]routes[\\/]r[\\/]\[\.\.\.ref\][\\/]\+page\.(svelte|ts)$/, priority: 1 }
];

export default defineConfig({
	plugins: [tailwindcss(), sveltekit()],
	environments: { client: { build: { rolldownOptions: { output: { codeSplitting: { groups: clientChunks } } } } } },
	test: {
		expect: { requireAssertions: true },
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					environment: 'node',
					include: ['src/**/*.spec.ts', 'tests/unit/**/*.spec.ts']
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					environment: 'node',
					include: ['tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
					globalSetup: ['tests/support/global-setup.ts'],
					testTimeout: 60_000,
					hookTimeout: 300_000,
					fileParallelism: false
				}
			}
		]
	}
});
