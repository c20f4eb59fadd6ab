/**
 * Every setting the server reads, parsed once before the first request (hooks.server.ts `init`): a bad
 * value stops the server at start with a message naming the variable, instead of failing every API call.
 */
import { parseSettings } from './settings';
import { parseCacheSettings } from './cache/store';
import { parseLayerSettings } from './api/layer-stream';

export function checkSettings(env: Record<string, string | undefined> = process.env): void {
	const problems: string[] = [];
	for (const parse of [parseSettings, parseCacheSettings, parseLayerSettings]) {
		try {
			parse(env);
		} catch (e) {
			problems.push(e instanceof Error ? e.message : String(e));
		}
	}
	if (problems.length > 0) throw new Error(`regscope cannot start, invalid settings: ${problems.join('; ')}`);
}
