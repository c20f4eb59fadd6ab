import { describe, expect, it } from 'vitest';
import { cleanCommand, formatArgv, isUrl } from './config-text';

describe('cleanCommand', () => {
	it('drops the shell and nop prefixes and BuildKit marks', () => {
		expect(cleanCommand('/bin/sh -c #(nop)  CMD ["sh"]')).toBe('CMD ["sh"]');
		expect(cleanCommand('/bin/sh -c apk add curl')).toBe('RUN apk add curl');
		expect(cleanCommand('|2 A=1 B=2 /bin/sh -c make')).toBe('RUN make');
		expect(cleanCommand('COPY file /x # buildkit')).toBe('COPY file /x');
		expect(cleanCommand(undefined)).toBe('');
	});
});

describe('formatArgv and isUrl', () => {
	it('writes argv as a Dockerfile does and tells links from text', () => {
		expect(formatArgv(['sh', '-c', 'x'])).toBe('["sh","-c","x"]');
		expect(formatArgv([])).toBe('');
		expect(isUrl('https://example.com/x')).toBe(true);
		expect(isUrl('see https://example.com')).toBe(false);
	});
});
