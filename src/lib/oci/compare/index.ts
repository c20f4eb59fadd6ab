export * from './align';
export * from './layers';
export * from './history';
export * from './config';
export * from './platforms';
export * from './compare';
export * from './json';
export * from './files';
