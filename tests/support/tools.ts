/**
 * Makes sure an external tool (a Debian package's binary) is present.
 *
 * If it is missing and we run as root with apt-get available, it is installed with apt-get
 * (`apt-get update` runs at most once per process). Otherwise an Error names the package and the
 * command that installs it.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Absolute path of `binary` if it is executable (absolute path given) or found on PATH, else null. */
export function findTool(binary: string): string | null {
	const candidates = path.isAbsolute(binary)
		? [binary]
		: (process.env.PATH ?? '')
				.split(path.delimiter)
				.filter(Boolean)
				.map((dir) => path.join(dir, binary));
	for (const candidate of candidates) {
		try {
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {
			// keep looking
		}
	}
	return null;
}

function run(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
	return new Promise((resolve, reject) => {
		execFile(file, args, { env: env ?? process.env, maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60_000 }, (error, stdout, stderr) => {
			if (error) {
				const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
				reject(new Error(`\`${file} ${args.join(' ')}\` failed: ${error.message}\n${tail}`));
			} else resolve(stdout);
		});
	});
}

let aptUpdate: Promise<string> | undefined;
const installs = new Map<string, Promise<void>>();

function installCommand(debianPackage: string): string {
	return `sudo apt-get update && sudo apt-get install -y ${debianPackage}`;
}

/**
 * Returns the absolute path of `binary`, installing `debianPackage` first when it is missing and
 * that is possible (root + apt-get). Throws an Error naming the package otherwise.
 */
export async function ensureTool(binary: string, debianPackage: string): Promise<string> {
	const found = findTool(binary);
	if (found) return found;

	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const aptGet = findTool('apt-get');
	if (!isRoot || !aptGet) {
		throw new Error(
			`Required tool \`${binary}\` (Debian package "${debianPackage}") is not installed` +
				` and cannot be installed automatically (${!aptGet ? 'no apt-get' : 'not running as root'}).` +
				` Install it with: ${installCommand(debianPackage)}`
		);
	}

	let install = installs.get(debianPackage);
	if (!install) {
		install = (async () => {
			const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
			aptUpdate ??= run(aptGet, ['update'], env);
			try {
				await aptUpdate;
				await run(aptGet, ['install', '-y', debianPackage], env);
			} catch (error) {
				throw new Error(
					`Required tool \`${binary}\` is missing and installing Debian package "${debianPackage}" failed.` +
						` Install it with: ${installCommand(debianPackage)}\n${(error as Error).message}`,
					{ cause: error }
				);
			}
		})();
		installs.set(debianPackage, install);
	}
	await install;

	const installed = findTool(binary);
	if (!installed) {
		throw new Error(
			`Installed Debian package "${debianPackage}" but \`${binary}\` is still not found.` +
				` Install it with: ${installCommand(debianPackage)}`
		);
	}
	return installed;
}
