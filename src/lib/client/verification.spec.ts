import { describe, expect, it } from 'vitest';
import type { CheckedObject } from './verification';
import { verdictLine } from './verification';

const obj = (kind: CheckedObject['kind']) => ({ kind }) as CheckedObject;

describe('verdictLine', () => {
	it('names what was verified, in one line', () => {
		expect(verdictLine('verified', [obj('index'), obj('manifest'), obj('config')], 'done')).toBe(
			'Verified: index, manifest and config match their digests'
		);
		expect(verdictLine('verified', [obj('manifest'), obj('config')], 'done')).toBe('Verified: manifest and config match their digests');
		expect(verdictLine('verified', [obj('manifest')], 'done')).toBe('Verified: the manifest matches its digest');
	});

	it('never says verified before it is, and leaves the error to the error panel', () => {
		expect(verdictLine('checking', [obj('manifest')], 'config')).not.toMatch(/verified/i);
		expect(verdictLine('failed', [], 'error')).not.toMatch(/verified/i);
		expect(verdictLine('mismatch', [], 'error')).toMatch(/^Mismatch/);
	});
});
