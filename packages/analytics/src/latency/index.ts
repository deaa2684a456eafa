export * from './stages.ts';
export * from './bootstrap.ts';
export * from './attribution.ts';
