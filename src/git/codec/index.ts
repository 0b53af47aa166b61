export * from './object-types';
export * from './hash';
export * from './tree';
export * from './commit';
