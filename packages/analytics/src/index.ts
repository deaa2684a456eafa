export * from './types.ts';
export * from './tree.ts';
export * from './critical-path.ts';
export * from './failure.ts';
export * from './agent-graph.ts';
export * from './graph-layout.ts';
export * from './agent-rollup.ts';
export * from './summary.ts';
