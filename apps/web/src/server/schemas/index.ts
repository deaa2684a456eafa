export * from './primitives.ts';
export * from './queries.ts';
export * from './responses.ts';
export { spanSchema } from './span.ts';
