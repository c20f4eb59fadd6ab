export { checkLayer, compressionFor, type LayerCheck, type LayerCheckInput, type DigestCheck } from './check';
export { ListingBuilder, whiteoutOf, type LayerFile, type LayerListing, type Whiteout } from './listing';
export type { LayerCompression } from './decompress';
export { finalFilesystem, largestFiles, type FinalEntry, type FinalFilesystem, type LayerChanges, type RemovedEntry } from './final-fs';
export type { StreamHasher } from './hash';
