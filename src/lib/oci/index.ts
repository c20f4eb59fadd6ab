export * from './errors';
export type * from './model';
export * from './reference';
export * from './media-types';
export { parseDigest, algorithmOf, computeDigest, shortDigest, type DigestAlgorithm } from './digest';
export { verifyManifest, verifyConfig, verifyBytes, type Verified, type Expectation } from './verify';
export { parseManifest, MAX_INDEX_ENTRIES, type ParsedManifest } from './manifest';
export { parseConfig } from './config';
export * from './platform';
export * from './history';
export * from './inspect';
export * from './skopeo';
export * from './tags';
export {
	parseSchema1,
	schema1Envelope,
	schema1Timeline,
	fixManifestLayers,
	GZIPPED_EMPTY_LAYER,
	UNKNOWN_SIZE,
	GO_ZERO_TIME,
	type Schema1Envelope
} from './schema1';
export { verifySignatures, keyIdOf, libtrustKeyId, base64UrlDecode, base64UrlEncode, type JwsSignatureBlock } from './jws';
