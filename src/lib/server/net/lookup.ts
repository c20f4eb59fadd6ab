/**
 * DNS answers under the address policy: a `net.connect` lookup that fails unless every A/AAAA answer of a
 * name may be connected to, so a name cannot smuggle a private address past the check.
 */
import { promises as dns } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { blockedError, decideAddress, RESOLVED_BLOCKED } from './address-policy';
import type { HostEntry } from '../settings';

export interface ResolvedAddress {
	address: string;
	family: number;
}

/** Resolves a name to all of its addresses. Injectable so tests never touch real DNS or foreign hosts. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
	(await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => ({
		address: a.address,
		family: a.family
	}));

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `net.connect` lookup that resolves with `resolver` and fails unless EVERY answer passes the policy.
 * Supports both the single-address and the `all: true` callback forms.
 */
export function guardedLookup(resolver: Resolver, allowlisted: boolean | HostEntry | undefined) {
	return (hostname: string, options: LookupOptions | number | undefined, callback: LookupCallback): void => {
		const opts: LookupOptions = typeof options === 'number' ? { family: options } : (options ?? {});
		resolver(hostname).then(
			(answers) => {
				if (answers.length === 0) {
					const e: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
					e.code = 'ENOTFOUND';
					callback(e, '');
					return;
				}
				for (const a of answers) {
					const d = decideAddress(a.address, allowlisted);
					if (!d.ok) {
						// Never the address itself, nor its kind: that would let anyone map internal DNS names.
						callback(blockedError(hostname, RESOLVED_BLOCKED) as NodeJS.ErrnoException, '');
						return;
					}
				}
				const family = opts.family === 'IPv4' ? 4 : opts.family === 'IPv6' ? 6 : opts.family;
				const usable = family === 4 || family === 6 ? answers.filter((a) => a.family === family) : answers;
				if (opts.all) {
					callback(
						null,
						usable.map((a) => ({ address: a.address, family: a.family }))
					);
				} else if (usable[0]) {
					callback(null, usable[0].address, usable[0].family);
				} else {
					const e: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
					e.code = 'ENOTFOUND';
					callback(e, '');
				}
			},
			(err: NodeJS.ErrnoException) => callback(err, '')
		);
	};
}
