export * from './special.ts';
export * from './binning.ts';
export * from './statistics.ts';
export * from './evaluate.ts';
