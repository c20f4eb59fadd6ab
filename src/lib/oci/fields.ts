/**
 * Reading untrusted JSON: UTF-8 decoding with clear messages, and a field reader that names the
 * field when it is wrong ("manifest field layers[2].size must be a non-negative integer").
 * Shared by manifest.ts, config.ts, schema1.ts and tags.ts.
 */
import { parseDigest } from './digest';
import { RegscopeError, type ErrorCode } from './errors';
import type { Digest } from './model';
import { untrustedText } from './text';

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
			`the registry sent HTML or XML instead of a JSON ${what} (it starts with "${untrustedText(start, 40)}"); a proxy, login page or error page may be in the way`
		);
	}
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (e) {
		throw new RegscopeError(code, `the ${what} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
	}
	const dup = findDuplicateKey(text);
	if (dup) {
		throw new RegscopeError(
			code,
			`duplicate key ${JSON.stringify(dup.key)} in the ${what} at ${dup.path}: parsers disagree on which value counts, so it is refused`,
			{ field: dup.path }
		);
	}
	return value;
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

type Frame = { obj: true; keys: Set<string>; key: string | undefined; expectKey: boolean } | { obj: false; index: number };

function pathOf(stack: Frame[], upTo: number): string {
	let p = '$';
	for (let j = 0; j < upTo; j++) {
		const f = stack[j]!;
		if (f.obj) {
			const k = f.key ?? '';
			p += /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
		} else p += `[${f.index}]`;
	}
	return p;
}

/**
 * The first duplicate object key in `text` (already known to be valid JSON), or null. One pass, no
 * recursion; keys are compared after unescaping (`"a"` and `"\u0061"` are the same key). JSON.parse keeps
 * the last of duplicates while other parsers keep the first, so two clients could read different content
 * for the same digest: such documents are refused instead.
 */
export function findDuplicateKey(text: string): { key: string; path: string } | null {
	const stack: Frame[] = [];
	const n = text.length;
	let i = 0;
	while (i < n) {
		const c = text.charCodeAt(i);
		if (c === 0x22 /* " */) {
			const start = i + 1;
			let escaped = false;
			i = start;
			while (i < n) {
				const d = text.charCodeAt(i);
				if (d === 0x5c /* \ */) {
					escaped = true;
					i += 2;
				} else if (d === 0x22) break;
				else i++;
			}
			const top = stack[stack.length - 1];
			if (top?.obj && top.expectKey) {
				const key = escaped ? (JSON.parse(text.slice(start - 1, i + 1)) as string) : text.slice(start, i);
				if (top.keys.has(key)) return { key, path: pathOf(stack, stack.length - 1) };
				top.keys.add(key);
				top.key = key;
				top.expectKey = false;
			}
			i++;
			continue;
		}
		if (c === 0x7b /* { */) stack.push({ obj: true, keys: new Set(), key: undefined, expectKey: true });
		else if (c === 0x5b /* [ */) stack.push({ obj: false, index: 0 });
		else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop();
		else if (c === 0x2c /* , */) {
			const top = stack[stack.length - 1];
			if (top?.obj) top.expectKey = true;
			else if (top) top.index++;
		}
		i++;
	}
	return null;
}
