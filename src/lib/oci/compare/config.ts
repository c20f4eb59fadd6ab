/**
 * The differences between two image configs, key by key, for the fields people compare: Env, Labels,
 * Entrypoint, Cmd, WorkingDir, User, ExposedPorts, Volumes, os, architecture, variant. Lists that are
 * sets or maps (Env by variable name, Labels, ports, volumes) also say what was added, removed or changed.
 */
import type { ImageConfig } from '../model';

export type ConfigKey =
	'os' | 'architecture' | 'variant' | 'Entrypoint' | 'Cmd' | 'WorkingDir' | 'User' | 'Env' | 'Labels' | 'ExposedPorts' | 'Volumes';

export const CONFIG_KEYS: readonly ConfigKey[] = [
	'os',
	'architecture',
	'variant',
	'Entrypoint',
	'Cmd',
	'WorkingDir',
	'User',
	'Env',
	'Labels',
	'ExposedPorts',
	'Volumes'
];

export type ConfigValue = string | string[] | Record<string, string> | null;

/** One entry of a map-like value: present on one side, or on both with other values. */
export interface EntryChange {
	name: string;
	/** Absent (undefined) when only in B. */
	a?: string;
	/** Absent (undefined) when only in A. */
	b?: string;
}

export interface ConfigChange {
	key: ConfigKey;
	/** The whole value on each side, null when not set. */
	a: ConfigValue;
	b: ConfigValue;
	/** Env, Labels, ExposedPorts, Volumes: the entries that differ, sorted by name. */
	entries?: EntryChange[];
}

/** Env as a map: `NAME=value` by NAME (a later duplicate wins, as in a container). */
function envMap(env: string[] | undefined): Record<string, string> | null {
	if (!env) return null;
	const out: Record<string, string> = {};
	for (const e of env) {
		const eq = e.indexOf('=');
		if (eq < 0) out[e] = '';
		else out[e.slice(0, eq)] = e.slice(eq + 1);
	}
	return out;
}

/** A set (ports, volumes) as a map with empty values. */
function setMap(set: Record<string, object> | undefined): Record<string, string> | null {
	return set ? Object.fromEntries(Object.keys(set).map((k) => [k, ''])) : null;
}

function entryChanges(a: Record<string, string> | null, b: Record<string, string> | null): EntryChange[] {
	const x = a ?? {};
	const y = b ?? {};
	const names = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
	const out: EntryChange[] = [];
	for (const name of names) {
		const inA = Object.hasOwn(x, name);
		const inB = Object.hasOwn(y, name);
		if (inA && inB && x[name] === y[name]) continue;
		out.push({ name, ...(inA ? { a: x[name]! } : {}), ...(inB ? { b: y[name]! } : {}) });
	}
	return out;
}

function value(c: ImageConfig | null, key: ConfigKey): ConfigValue {
	if (!c) return null;
	const r = c.config ?? {};
	switch (key) {
		case 'os':
			return c.os || null;
		case 'architecture':
			return c.architecture || null;
		case 'variant':
			return c.variant || null;
		case 'Entrypoint':
			return r.Entrypoint?.length ? r.Entrypoint : null;
		case 'Cmd':
			return r.Cmd?.length ? r.Cmd : null;
		case 'WorkingDir':
			return r.WorkingDir || null;
		case 'User':
			return r.User || null;
		case 'Env':
			return r.Env ?? null;
		case 'Labels':
			return r.Labels ?? null;
		case 'ExposedPorts':
			return r.ExposedPorts ? Object.keys(r.ExposedPorts) : null;
		case 'Volumes':
			return r.Volumes ? Object.keys(r.Volumes) : null;
	}
}

function mapOf(c: ImageConfig | null, key: ConfigKey): Record<string, string> | null {
	const r = c?.config ?? {};
	if (key === 'Env') return envMap(r.Env);
	if (key === 'Labels') return r.Labels ?? null;
	if (key === 'ExposedPorts') return setMap(r.ExposedPorts);
	return setMap(r.Volumes);
}

const MAP_KEYS = new Set<ConfigKey>(['Env', 'Labels', 'ExposedPorts', 'Volumes']);

/** The keys whose values differ, in CONFIG_KEYS order. Either config may be null (an artifact). */
export function compareConfig(a: ImageConfig | null, b: ImageConfig | null): ConfigChange[] {
	const changes: ConfigChange[] = [];
	for (const key of CONFIG_KEYS) {
		const va = value(a, key);
		const vb = value(b, key);
		if (MAP_KEYS.has(key)) {
			const entries = entryChanges(mapOf(a, key), mapOf(b, key));
			// Env in another order, or a repeated variable, changes nothing a container sees.
			if (entries.length > 0) changes.push({ key, a: va, b: vb, entries });
		} else if (JSON.stringify(va) !== JSON.stringify(vb)) {
			changes.push({ key, a: va, b: vb });
		}
	}
	return changes;
}
