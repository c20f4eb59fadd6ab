import { describe, expect, test } from 'vitest';
import { RegscopeError } from '$lib/oci/errors';
import { clientKey, KeyedLimiter } from './limits';

const limiter = (concurrency: number, queue: number, maxWaitMs = 1000) =>
	new KeyedLimiter({ concurrency, queue, maxWaitMs, describe: (k) => `calls from ${k}` });

describe('KeyedLimiter', () => {
	test('caps in-flight work per key; others are independent', async () => {
		const l = limiter(2, 1);
		const a1 = await l.acquire('a');
		const a2 = await l.acquire('a');
		expect(l.active('a')).toBe(2);
		const b1 = await l.acquire('b');
		expect(l.active('b')).toBe(1);
		const waiting = l.acquire('a');
		// Queue (1) full → SERVER_BUSY at once.
		await expect(l.acquire('a')).rejects.toMatchObject({ code: 'SERVER_BUSY' });
		a1();
		const a3 = await waiting;
		expect(l.active('a')).toBe(2);
		a2();
		a3();
		a3(); // extra release ignored
		b1();
		expect(l.active('a')).toBe(0);
		expect(l.size).toBe(0);
	});

	test('a wait longer than maxWaitMs → SERVER_BUSY naming the limit', async () => {
		const l = limiter(1, 5, 50);
		const r = await l.acquire('x');
		const e = await l.acquire('x').catch((err: unknown) => err);
		expect(e).toBeInstanceOf(RegscopeError);
		expect((e as RegscopeError).message).toMatch(/too many calls from x at once \(limit 1/);
		r();
		expect(l.size).toBe(0);
	});

	test('an aborted waiter leaves the queue', async () => {
		const l = limiter(1, 5);
		const r = await l.acquire('x');
		const ac = new AbortController();
		const p = l.acquire('x', ac.signal);
		ac.abort(new Error('gone'));
		await expect(p).rejects.toThrow('gone');
		r();
		expect(l.size).toBe(0);
	});

	test('run() releases on failure', async () => {
		const l = limiter(1, 0);
		await expect(l.run('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		expect(await l.run('k', async () => 42)).toBe(42);
	});
});

describe('clientKey', () => {
	test('IPv4 as is; IPv4-mapped as IPv4; IPv6 by its /64, however it is spelled', () => {
		expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
		expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
		expect(clientKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
		expect(clientKey('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
		expect(clientKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
	});
});
