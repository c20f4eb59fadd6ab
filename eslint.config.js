// ESLint: the usual recommended rules, plus the boundaries that make the architecture real
// (docs/ARCHITECTURE.md): the core stays pure, the browser never reaches server code, and
// verified values are only ever made by the verify module.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/** Server-only code, however it is spelled from the importing file. */
const SERVER = ['$lib/server', '$lib/server/*', '**/lib/server', '**/lib/server/*', '../server/*', '../../server/*'];

const serverImport = {
	group: SERVER,
	message: 'Browser code must not import server code: ask the server through an /api endpoint.'
};

/** Everything the core may not depend on: it runs unchanged in the browser, workers and the server. */
const coreForbidden = [
	{ group: SERVER, message: 'The core ($lib/oci) must not depend on server code ($lib/server): the server depends on the core.' },
	{
		group: ['$lib/client', '$lib/client/*', '../client/*'],
		message: 'The core ($lib/oci) must not depend on browser state ($lib/client).'
	},
	{
		group: ['$lib/components', '$lib/components/*', '../components/*', '*.svelte'],
		message: 'The core ($lib/oci) must not depend on components.'
	},
	{ group: ['$app/*'], message: 'The core ($lib/oci) must not depend on SvelteKit ($app/*).' },
	{ group: ['$env/*'], message: 'The core ($lib/oci) takes settings as arguments, never from the environment.' }
];

const nodeBuiltins = {
	paths: builtinModules.map((name) => ({ name, message: 'The core ($lib/oci) runs in browsers too: no Node built-ins.' })),
	patterns: [{ group: ['node:*'], message: 'The core ($lib/oci) runs in browsers too: no Node built-ins.' }]
};

/** Globals that mean DOM, storage, I/O or Node: none of them belong in the core. */
const coreGlobals = [
	'window',
	'self',
	'document',
	'navigator',
	'location',
	'history',
	'localStorage',
	'sessionStorage',
	'indexedDB',
	'fetch',
	'XMLHttpRequest',
	'WebSocket',
	'EventSource',
	'Worker',
	'setInterval',
	'process',
	'Buffer',
	'require',
	'__dirname',
	'__filename',
	'global'
].map((name) => ({ name, message: `The core ($lib/oci) is pure and isomorphic: no ${name}. Take what you need as an argument.` }));

export default ts.config(
	{
		ignores: ['build/', '.svelte-kit/', 'node_modules/', 'test-results/', 'bench-results/']
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node }
		},
		rules: {
			// Links are built by $lib/client/permalink and the app is served at the root (no kit.paths.base),
			// so wrapping every href in resolve() would add noise, not safety.
			'svelte/no-navigation-without-resolve': 'off',
			// `_` marks a parameter or binding that is there for its position only.
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
			// Verified values are branded; a cast is the only way to forge one, so only verify.ts may cast.
			'no-restricted-syntax': [
				'error',
				{
					selector: ':matches(TSAsExpression, TSTypeAssertion)[typeAnnotation.typeName.name=/^Verified/]',
					message: 'Only src/lib/oci/verify.ts makes verified values; call verifyManifest, verifyConfig or verifyBytes.'
				}
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'], svelteConfig }
		}
	},
	{
		files: ['src/lib/oci/verify.ts'],
		rules: { 'no-restricted-syntax': 'off' }
	},
	{
		files: ['src/lib/oci/**/*.ts'],
		ignores: ['src/lib/oci/**/*.spec.ts'],
		rules: {
			'no-restricted-imports': ['error', { paths: nodeBuiltins.paths, patterns: [...coreForbidden, ...nodeBuiltins.patterns] }],
			'no-restricted-globals': ['error', ...coreGlobals]
		}
	},
	{
		// Unit tests of the core run in Node and may use its modules, but still not the app's other layers.
		files: ['src/lib/oci/**/*.spec.ts'],
		rules: { 'no-restricted-imports': ['error', { patterns: coreForbidden }] }
	},
	{
		files: ['src/lib/client/**', 'src/lib/components/**', 'src/routes/**/*.svelte', 'src/routes/**/+page.ts', 'src/routes/**/+layout.ts'],
		rules: { 'no-restricted-imports': ['error', { patterns: [serverImport] }] }
	}
);
