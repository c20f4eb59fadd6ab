// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			code?: string;
		}
		interface Locals {
			/** A permalink's held chain answer, for hooks.server.ts to put in the page's HTML. */
			embeddedChain?: unknown;
		}
	}
}

export {};
