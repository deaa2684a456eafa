export * from './primitives.ts';
export * from './queries.ts';
export * from './responses.ts';
export { spanJsonSchema, spanRef } from './span.ts';
