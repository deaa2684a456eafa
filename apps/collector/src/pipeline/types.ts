import type { SpanRow } from '@plumb/store';

/** A row on its way to the store, with the WAL segment that holds it until it is inserted. */
export interface QueuedRow {
  row: SpanRow;
  segment: number;
}

/** Trace-level context copied onto every span of a trace (same fields as `trace_context`). */
export interface TraceContext {
  tenant: string;
  requestType: string;
  sessionId: string;
  userId: string;
  /** `http.route` of the root, else its span name. */
  route: string;
}

export type TraceContextField = keyof TraceContext;
export const TRACE_CONTEXT_FIELDS: readonly TraceContextField[] = ['tenant', 'requestType', 'sessionId', 'userId', 'route'];
