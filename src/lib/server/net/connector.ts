/**
 * The connect-time guard: IP literals are classified here (undici does not call `lookup` for them), names
 * through a lookup wrapper that checks every A/AAAA answer, and the port rule. The address that was
 * checked is the one the socket connects to, so DNS rebinding between a check and the connect is moot.
 */
import { buildConnector } from 'undici';
import { blockedError, decideHostname, decidePort } from './address-policy';
import { guardedLookup, type Resolver } from './lookup';
import { listEntry, type Settings } from '../settings';

/** The connector every upstream socket is opened through; private-registry entries get their own lookup. */
export function createGuardedConnector(
	settings: Settings,
	resolver: Resolver,
	build: (opts: buildConnector.BuildOptions) => buildConnector.connector = buildConnector
): buildConnector.connector {
	const timeout = settings.limits.connectTimeoutMs;
	const strict = build({ timeout, lookup: guardedLookup(resolver, false) as never });
	const byEntry = new Map<object, buildConnector.connector>();
	return (opts, callback) => {
		const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
		const d = decideHostname(opts.hostname, port, settings);
		if (!d.ok) {
			callback(blockedError(opts.hostname, d.reason), null);
			return;
		}
		const p = decidePort(opts.hostname, port, settings);
		if (!p.ok) {
			callback(blockedError(`${opts.hostname}:${port}`, p.reason), null);
			return;
		}
		const entry = listEntry(settings.privateRegistries, opts.hostname, port);
		if (!entry) return strict(opts, callback);
		let c = byEntry.get(entry);
		if (!c) {
			c = build({ timeout, lookup: guardedLookup(resolver, entry) as never });
			byEntry.set(entry, c);
		}
		c(opts, callback);
	};
}
