/**
 * Runs Debian's skopeo (1.9) against the test registry. Only ever used with 127.0.0.1 refs.
 */
import { execFile } from 'node:child_process';
import { ensureTool } from './tools';

export const SKOPEO_PACKAGE = 'skopeo';

export interface SkopeoInspectOptions {
	os?: string;
	arch?: string;
	variant?: string;
	/** `--raw`: the manifest bytes (with `config`: the config blob bytes). */
	raw?: boolean;
	/** `--config`: the (converted) OCI config; with `raw`: the config blob exactly. */
	config?: boolean;
	/** `--no-tags`: skip the tag listing (RepoTags is then null/empty). */
	noTags?: boolean;
	/** Hard kill after this long (default 45 s; skopeo itself gets `--command-timeout 30s`). */
	timeoutMs?: number;
}

export class SkopeoError extends Error {
	constructor(
		message: string,
		readonly exitCode: number | null,
		readonly stderr: string,
		readonly args: string[]
	) {
		super(message);
		this.name = 'SkopeoError';
	}
}

let skopeoPath: Promise<string> | undefined;

/** Runs `skopeo <args>` and returns stdout as bytes. Throws a SkopeoError (with stderr) on failure. */
export async function runSkopeo(args: string[], timeoutMs = 45_000): Promise<{ stdout: Buffer; stderr: string }> {
	skopeoPath ??= ensureTool('skopeo', SKOPEO_PACKAGE);
	const binary = await skopeoPath;
	return new Promise((resolve, reject) => {
		execFile(
			binary,
			args,
			{ encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL' },
			(error, stdout, stderr) => {
				const err = stderr.toString('utf8');
				if (error) {
					const code = typeof error.code === 'number' ? error.code : null;
					const why = error.killed ? `killed after ${timeoutMs} ms` : `exit code ${code}`;
					reject(new SkopeoError(`skopeo ${args.join(' ')} failed (${why}):\n${err.trim()}`, code, err, args));
				} else resolve({ stdout, stderr: err });
			}
		);
	});
}

export function skopeoInspectArgs(ref: string, opts: SkopeoInspectOptions = {}): string[] {
	const args = ['--command-timeout', '30s'];
	if (opts.os) args.push('--override-os', opts.os);
	if (opts.arch) args.push('--override-arch', opts.arch);
	if (opts.variant) args.push('--override-variant', opts.variant);
	args.push('inspect', '--tls-verify=false', '--retry-times', '0');
	if (opts.raw) args.push('--raw');
	if (opts.config) args.push('--config');
	if (opts.noTags) args.push('--no-tags');
	args.push(ref.startsWith('docker://') ? ref : `docker://${ref}`);
	return args;
}

/** `skopeo inspect` stdout as bytes (use this with `raw` to hash the exact manifest/config bytes). */
export async function skopeoInspectBytes(ref: string, opts: SkopeoInspectOptions = {}): Promise<Buffer> {
	return (await runSkopeo(skopeoInspectArgs(ref, opts), opts.timeoutMs)).stdout;
}

/**
 * `skopeo inspect --tls-verify=false [--override-os …] docker://REF`, parsed as JSON.
 * With `raw` on a schema1 image skopeo prints nothing: that returns `null`.
 */
export async function skopeoInspect(ref: string, opts: SkopeoInspectOptions = {}): Promise<unknown> {
	const stdout = await skopeoInspectBytes(ref, opts);
	const text = stdout.toString('utf8');
	if (text.trim() === '') return null;
	try {
		return JSON.parse(text) as unknown;
	} catch (error) {
		throw new Error(`skopeo printed something that is not JSON for ${ref}: ${(error as Error).message}\n${text.slice(0, 2000)}`, {
			cause: error
		});
	}
}
