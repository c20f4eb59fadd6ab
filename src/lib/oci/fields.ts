/**
 * Reading untrusted JSON: UTF-8 decoding with clear messages, and a field reader that names the
 * field when it is wrong ("manifest field layers[2].size must be a non-negative integer").
 * Shared by manifest.ts, config.ts, schema1.ts and tags.ts (kept apart to avoid import cycles).
 */
import { parseDigest } from './digest';
import { RegscopeError, type ErrorCode } from './errors';
import type { Digest } from './model';

/** Decodes UTF-8 JSON, saying clearly when the registry sent something else (an HTML page…). */
export function decodeJson(bytes: Uint8Array, what: string, code: ErrorCode): unknown {
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		throw new RegscopeError(code, `the ${what} is not UTF-8 text, so it cannot be JSON`);
	}
	const start = text.trimStart();
	if (start === '') throw new RegscopeError(code, `the ${what} is empty; expected a JSON document`);
	if (start.startsWith('<')) {
		throw new RegscopeError(
			code,
			`the registry sent HTML or XML instead of a JSON ${what} (it starts with "${start.slice(0, 40)}"); a proxy, login page or error page may be in the way`
		);
	}
	try {
		return JSON.parse(text);
	} catch (e) {
		throw new RegscopeError(
			code,
			`the ${what} is not valid JSON (${e instanceof Error ? e.message : String(e)})`
		);
	}
}

/** `a.b`, `a[2]`, `a["org.opencontainers.image.title"]`: how fields are named in messages. */
export function fieldPath(base: string, key: string | number): string {
	if (typeof key === 'number') return `${base}[${key}]`;
	if (!/^[A-Za-z_][\w.]*$/.test(key)) return `${base}[${JSON.stringify(key)}]`;
	return base === '' ? key : `${base}.${key}`;
}

/**
 * Reads fields of untrusted JSON. `null` counts as absent for optional fields, as the OCI
 * specs allow and real registries produce.
 */
export class FieldReader {
	constructor(
		private readonly what: string,
		private readonly code: ErrorCode
	) {}

	fail(path: string, problem: string): never {
		throw new RegscopeError(this.code, `${this.what} field ${path} ${problem}`, { field: path });
	}

	object(value: unknown, path: string): Record<string, unknown> {
		if (typeof value !== 'object' || value === null || Array.isArray(value)) {
			this.fail(path, value === undefined ? 'is missing' : 'must be an object');
		}
		return value as Record<string, unknown>;
	}

	optionalObject(value: unknown, path: string): Record<string, unknown> | undefined {
		return value == null ? undefined : this.object(value, path);
	}

	string(value: unknown, path: string): string {
		if (typeof value !== 'string') {
			this.fail(path, value === undefined ? 'is missing' : 'must be a string');
		}
		return value;
	}

	optionalString(value: unknown, path: string): string | undefined {
		return value == null ? undefined : this.string(value, path);
	}

	optionalBoolean(value: unknown, path: string): boolean | undefined {
		if (value == null) return undefined;
		if (typeof value !== 'boolean') this.fail(path, 'must be true or false');
		return value;
	}

	nonNegativeInteger(value: unknown, path: string): number {
		if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
			this.fail(path, value === undefined ? 'is missing' : 'must be a non-negative integer');
		}
		return value;
	}

	optionalNumber(value: unknown, path: string): number | undefined {
		if (value == null) return undefined;
		if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, 'must be a number');
		return value;
	}

	array(value: unknown, path: string): unknown[] {
		if (!Array.isArray(value)) this.fail(path, value === undefined ? 'is missing' : 'must be an array');
		return value;
	}

	optionalArray(value: unknown, path: string): unknown[] | undefined {
		return value == null ? undefined : this.array(value, path);
	}

	optionalStringArray(value: unknown, path: string): string[] | undefined {
		return this.optionalArray(value, path)?.map((v, i) => this.string(v, fieldPath(path, i)));
	}

	optionalStringMap(value: unknown, path: string): Record<string, string> | undefined {
		const o = this.optionalObject(value, path);
		if (o === undefined) return undefined;
		const out: Record<string, string> = {};
		for (const [k, v] of Object.entries(o)) out[k] = this.string(v, fieldPath(path, k));
		return out;
	}

	digest(value: unknown, path: string): Digest {
		return parseDigest(this.string(value, path), `${this.what} field ${path}`, this.code);
	}
}
