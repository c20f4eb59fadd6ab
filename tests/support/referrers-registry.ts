/**
 * A registry that speaks the OCI 1.1 referrers API (Debian's registry 2.8 does not), in front of the
 * real test registry:
 * - `GET /v2/<name>/referrers/<digest>[?artifactType=]`: an OCI index of the descriptors given for that
 *   subject (an empty index for others, never 404), two per page with a relative `Link: rel="next"`, and
 *   `OCI-Filters-Applied: artifactType` when it filtered;
 * - manifests for the `<name>:<tag>` given in `tags`: served from memory (what 2.8 refuses to store);
 * - everything else is relayed to the real registry unchanged.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { ReferrersIndexes } from '../fixtures/supply';

export interface ReferrersRegistry {
	/** `127.0.0.1:PORT` */
	host: string;
	/** Paths requested, in order. */
	requests: string[];
	stop(): Promise<void>;
}

const PAGE = 2;
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

function referrersAnswer(res: http.ServerResponse, url: URL, descriptors: ReferrersIndexes['api'][string]): void {
	const artifactType = url.searchParams.get('artifactType');
	const all = artifactType ? descriptors.filter((d) => d.artifactType === artifactType) : descriptors;
	const page = Number(url.searchParams.get('page') ?? '0');
	const manifests = all.slice(page * PAGE, page * PAGE + PAGE);
	const headers: Record<string, string> = { 'content-type': OCI_INDEX };
	if (artifactType) headers['oci-filters-applied'] = 'artifactType';
	if ((page + 1) * PAGE < all.length) {
		const next = new URLSearchParams(url.searchParams);
		next.set('page', String(page + 1));
		headers.link = `<${url.pathname}?${next}>; rel="next"`;
	}
	res.writeHead(200, headers).end(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
}

async function relay(req: http.IncomingMessage, res: http.ServerResponse, upstream: string): Promise<void> {
	const headers: Record<string, string> = {};
	for (const name of ['accept', 'authorization', 'content-type']) {
		const v = req.headers[name];
		if (typeof v === 'string') headers[name] = v;
	}
	const answer = await fetch(`${upstream}${req.url}`, { method: req.method, headers, redirect: 'manual' });
	const out: Record<string, string> = {};
	for (const name of ['content-type', 'docker-content-digest', 'content-length', 'link', 'location', 'www-authenticate']) {
		const v = answer.headers.get(name);
		if (v !== null) out[name] = v;
	}
	res.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()));
}

export async function startReferrersRegistry(upstreamUrl: string, indexes: ReferrersIndexes): Promise<ReferrersRegistry> {
	const requests: string[] = [];
	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		requests.push(url.pathname + url.search);
		const referrers = /^\/v2\/(.+)\/referrers\/([^/]+)$/.exec(url.pathname);
		if (referrers && req.method === 'GET') return referrersAnswer(res, url, indexes.api[`${referrers[1]}@${referrers[2]}`] ?? []);
		const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
		const override = manifest ? indexes.tags[`${manifest[1]}:${manifest[2]}`] : undefined;
		if (override) {
			const digest = `sha256:${createHash('sha256').update(override.bytes).digest('hex')}`;
			res.writeHead(200, {
				'content-type': override.mediaType,
				'docker-content-digest': digest,
				'content-length': String(override.bytes.length)
			});
			return res.end(req.method === 'HEAD' ? undefined : Buffer.from(override.bytes));
		}
		relay(req, res, upstreamUrl).catch(() => res.writeHead(502).end());
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return {
		host: `127.0.0.1:${port}`,
		requests,
		stop: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}
