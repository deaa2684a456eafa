export * from './primitives.ts';
export * from './queries.ts';
export * from './responses.ts';
export { spanJsonSchema, spanRef } from './span.ts';
export { sessionListQuery, toListSessionsQuery, type SessionListInput } from './sessions.ts';
