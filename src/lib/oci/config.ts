/**
 * Parses a verified image config (image-spec config.md; Docker's is a superset). Lenient where
 * real images vary: any optional field may be null, unknown fields are ignored, and a missing
 * architecture, os or rootfs (tools write `{}` for artifacts that keep the image config media type)
 * reads as empty and is listed in `missing`, as skopeo reads it. Strict about types: a field that is
 * present must have the right shape.
 */
import type { ErrorCode } from './errors';
import { FieldReader, decodeJson, fieldPath } from './fields';
import type { ContainerConfig, HistoryEntry, ImageConfig, Verified } from './model';

const CODE: ErrorCode = 'INVALID_CONFIG';
const r = new FieldReader('config', CODE);

/** Assigns only defined values, so absent fields stay absent (not `undefined`) in the model. */
export function assign<T extends object>(target: T, values: Partial<T>): T {
	for (const [key, value] of Object.entries(values)) {
		if (value !== undefined) (target as Record<string, unknown>)[key] = value;
	}
	return target;
}

/** `ExposedPorts` and `Volumes` are sets written as `{"80/tcp": {}}`; only the keys matter. */
function optionalSet(reader: FieldReader, value: unknown, path: string): Record<string, object> | undefined {
	const o = reader.optionalObject(value, path);
	return o && Object.fromEntries(Object.keys(o).map((k) => [k, {}]));
}

/**
 * The runtime config (`config` of an image config; also schema1's v1Compatibility `config`, read
 * with the manifest's reader so errors name the manifest field).
 */
export function parseContainerConfig(value: unknown, reader: FieldReader = r, base = 'config'): ContainerConfig {
	const o = reader.optionalObject(value, base);
	if (o === undefined) return {};
	const at = (key: string) => fieldPath(base, key);
	const healthcheck = reader.optionalObject(o.Healthcheck, at('Healthcheck'));
	return assign<ContainerConfig>(
		{},
		{
			User: reader.optionalString(o.User, at('User')),
			ExposedPorts: optionalSet(reader, o.ExposedPorts, at('ExposedPorts')),
			Env: reader.optionalStringArray(o.Env, at('Env')),
			Entrypoint: reader.optionalStringArray(o.Entrypoint, at('Entrypoint')),
			Cmd: reader.optionalStringArray(o.Cmd, at('Cmd')),
			Volumes: optionalSet(reader, o.Volumes, at('Volumes')),
			WorkingDir: reader.optionalString(o.WorkingDir, at('WorkingDir')),
			Labels: reader.optionalStringMap(o.Labels, at('Labels')),
			StopSignal: reader.optionalString(o.StopSignal, at('StopSignal')),
			ArgsEscaped: reader.optionalBoolean(o.ArgsEscaped, at('ArgsEscaped')),
			Healthcheck:
				healthcheck &&
				assign(
					{},
					{
						Test: reader.optionalStringArray(healthcheck.Test, at('Healthcheck.Test')),
						Interval: reader.optionalNumber(healthcheck.Interval, at('Healthcheck.Interval')),
						Timeout: reader.optionalNumber(healthcheck.Timeout, at('Healthcheck.Timeout')),
						Retries: reader.optionalNumber(healthcheck.Retries, at('Healthcheck.Retries'))
					}
				),
			Shell: reader.optionalStringArray(o.Shell, at('Shell')),
			OnBuild: reader.optionalStringArray(o.OnBuild, at('OnBuild'))
		}
	);
}

function parseHistoryEntry(value: unknown, path: string): HistoryEntry {
	const o = r.object(value, path);
	return assign<HistoryEntry>(
		{},
		{
			created: r.optionalString(o.created, fieldPath(path, 'created')),
			created_by: r.optionalString(o.created_by, fieldPath(path, 'created_by')),
			author: r.optionalString(o.author, fieldPath(path, 'author')),
			comment: r.optionalString(o.comment, fieldPath(path, 'comment')),
			empty_layer: r.optionalBoolean(o.empty_layer, fieldPath(path, 'empty_layer'))
		}
	);
}

/** Parses verified config bytes; throws INVALID_CONFIG naming the field that is wrong. */
export function parseConfig(bytes: Verified<Uint8Array>): ImageConfig {
	const o = r.object(decodeJson(bytes, 'image config', CODE), '(top level)');
	const missing = (['architecture', 'os', 'rootfs'] as const).filter((key) => o[key] == null);
	const rootfs = r.optionalObject(o.rootfs, 'rootfs') ?? {};
	const diffIds = r.optionalArray(rootfs.diff_ids, 'rootfs.diff_ids') ?? [];
	const config: ImageConfig = {
		architecture: r.optionalString(o.architecture, 'architecture') ?? '',
		os: r.optionalString(o.os, 'os') ?? '',
		config: parseContainerConfig(o.config),
		rootfs: {
			type: r.optionalString(rootfs.type, 'rootfs.type') ?? '',
			diff_ids: diffIds.map((d, i) => r.digest(d, fieldPath('rootfs.diff_ids', i)))
		},
		history: (r.optionalArray(o.history, 'history') ?? []).map((h, i) => parseHistoryEntry(h, fieldPath('history', i)))
	};
	return assign(config, {
		created: r.optionalString(o.created, 'created'),
		author: r.optionalString(o.author, 'author'),
		variant: r.optionalString(o.variant, 'variant'),
		'os.version': r.optionalString(o['os.version'], 'os.version'),
		'os.features': r.optionalStringArray(o['os.features'], 'os.features'),
		docker_version: r.optionalString(o.docker_version, 'docker_version'),
		missing: missing.length > 0 ? [...missing] : undefined
	});
}
