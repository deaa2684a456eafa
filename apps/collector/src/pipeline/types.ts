import type { SpanRow } from '@plumb/store';

/** A row on its way to the store, with the WAL segment that holds it until it is inserted. */
export interface QueuedRow {
  row: SpanRow;
  segment: number;
}

/** Trace-level context copied onto every span of a trace. */
export interface TraceContext {
  tenant: string;
  requestType: string;
  sessionId: string;
  userId: string;
}

export interface ContextCorrection {
  projectId: string;
  traceId: string;
  context: TraceContext;
  fromNs: bigint;
  toNs: bigint;
}
