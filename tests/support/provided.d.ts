import type { FixtureSet } from '../fixtures/fixtures';

declare module 'vitest' {
	export interface ProvidedContext {
		/** The test registry, `127.0.0.1:PORT` (plain http). */
		registry: string;
		/** `http://127.0.0.1:PORT` */
		registryUrl: string;
		/** The registry's filesystem storage root (for tests that corrupt stored bytes on purpose). */
		registryStorageDir: string;
		/** The running app, `http://127.0.0.1:PORT`. */
		appUrl: string;
		/** Everything seeded into the registry. */
		fixtures: FixtureSet;
	}
}
