import { describe, expect, it } from 'vitest';
import { explainError } from './messages';

describe('explainError: words that match what happened', () => {
	it('names the network failure the server met', () => {
		expect(
			explainError({
				code: 'UPSTREAM_ERROR',
				message: 'could not reach registry registry-1.docker.io (registry-1.docker.io): host not found (DNS)'
			}).title
		).toBe('Could not reach registry-1.docker.io: the name does not resolve');
		expect(
			explainError({ code: 'UPSTREAM_ERROR', message: 'could not reach registry 10.0.0.5:5000 (10.0.0.5:5000): connection refused' }).title
		).toBe('Could not reach 10.0.0.5:5000: connection refused');
	});

	it('says how long the timeout was', () => {
		expect(explainError({ code: 'UPSTREAM_TIMEOUT', message: 'registry quay.io did not answer in time (quay.io, 15 s limit)' }).title).toBe(
			'quay.io timed out after 15 s'
		);
	});

	it('says whose credentials were refused, and keeps the anonymous case apart', () => {
		const refused = explainError({
			code: 'UNAUTHORIZED',
			message:
				'registry ghcr.io did not accept the credentials given for user "alice" for o/app (HTTP 401): check the username and password or token'
		});
		expect(refused.title).toBe('The registry refused the credentials you gave for user alice');
		const anonymous = explainError({
			code: 'UNAUTHORIZED',
			message: 'registry ghcr.io refused access to o/app (HTTP 401): credentials are needed to read it'
		});
		expect(anonymous.title).toBe('This image needs credentials');
		expect(anonymous.advice).not.toContain('anonymous');
	});

	it("tells this server's own limit from the registry's", () => {
		const ours = explainError({
			code: 'TOO_MANY_REQUESTS',
			message: 'too many requests from your address at once (limit 8 in flight and 32 waiting); try again shortly'
		});
		expect(ours.title).toBe('This regscope server is busy');
		const theirs = explainError({ code: 'TOO_MANY_REQUESTS', message: 'registry docker.io is rate limiting pulls (HTTP 429)' });
		expect(theirs.title).toContain('The registry');
	});

	it('names what the registry lacks', () => {
		expect(explainError({ code: 'NOT_FOUND', message: 'manifest unknown: fixtures/app:nope not found on 127.0.0.1:5000' }).title).toBe(
			'Not found: 127.0.0.1:5000 has no fixtures/app:nope'
		);
		expect(explainError({ code: 'NOT_FOUND', message: 'repository name not known to registry: o/app:1 not found on ghcr.io' }).title).toBe(
			'Not found: ghcr.io has no repository o/app'
		);
	});

	it('falls back to the wording of the code', () => {
		expect(explainError({ code: 'UPSTREAM_ERROR', message: 'something else' }).title).toBe('The registry answered with an error');
	});
});
