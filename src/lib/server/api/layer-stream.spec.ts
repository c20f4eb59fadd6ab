import { describe, expect, it } from 'vitest';
import { parseLayerSettings } from './layer-stream';

describe('parseLayerSettings', () => {
	it('defaults to 2048 MiB per layer and 4 streams per client', () => {
		expect(parseLayerSettings({})).toEqual({ maxLayerBytes: 2048 * 1024 * 1024, clientLayerStreams: 4 });
	});

	it('reads REGSCOPE_MAX_LAYER_MB and REGSCOPE_CLIENT_LAYER_STREAMS, refusing nonsense', () => {
		expect(parseLayerSettings({ REGSCOPE_MAX_LAYER_MB: '10', REGSCOPE_CLIENT_LAYER_STREAMS: '2' })).toEqual({
			maxLayerBytes: 10 * 1024 * 1024,
			clientLayerStreams: 2
		});
		expect(() => parseLayerSettings({ REGSCOPE_MAX_LAYER_MB: '-1' })).toThrow(/REGSCOPE_MAX_LAYER_MB must be a positive integer/);
		expect(() => parseLayerSettings({ REGSCOPE_CLIENT_LAYER_STREAMS: 'x' })).toThrow(/REGSCOPE_CLIENT_LAYER_STREAMS/);
	});
});
