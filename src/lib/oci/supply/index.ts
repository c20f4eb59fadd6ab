/** The supply-chain core: referrer kinds and the documents referrers carry, decoded and checked. */
export * from './kinds';
export * from './cosign';
export * from './dsse';
export * from './slsa';
export * from './sbom';
export * from './keys';
export * from './x509';
export * from './check';
export { derSignatureToP1363 } from '../der';
export * from './referrers';
export * from './bundle';
