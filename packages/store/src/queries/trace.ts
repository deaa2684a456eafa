import { sql, unsafeRaw } from '../sql.ts';
import type { Store } from '../store.ts';
import { SPAN_DETAIL_SELECT_TEXT, resourceHashOf, toSpanDetail, toSpanRecord, type SpanDetailRecord, type TraceSpanRecord } from '../schema/spans.ts';
import { param } from '../sql.ts';
import { SPAN_SELECT, traceBounds } from './rows.ts';

export interface TraceDetail {
  traceId: string;
  /** Ordered by start time, then span id. */
  spans: TraceSpanRecord[];
}

/** All spans of one trace (deduplicated), or null when the trace is unknown in this project. */
export async function getTrace(store: Store, projectId: string, traceId: string): Promise<TraceDetail | null> {
  const rows = await store.query<Record<string, unknown>>(sql`SELECT ${SPAN_SELECT}
    FROM spans FINAL
    WHERE project_id = ${projectId} AND trace_id = ${traceId} AND ${traceBounds(projectId, [traceId])}
    ORDER BY start_time, span_id`);
  if (rows.length === 0) return null;
  return { traceId, spans: rows.map(toSpanRecord) };
}

export type SpanEventRecord = SpanDetailRecord['events'][number];
/** The span-detail shape (schema/spans.ts, public level 'detail'). */
export type SpanDetail = SpanDetailRecord;

/** One span with everything stored about it, or null. */
export async function getSpanDetail(store: Store, projectId: string, traceId: string, spanId: string): Promise<SpanDetail | null> {
  const [row] = await store.query<Record<string, unknown>>(sql`SELECT ${unsafeRaw(SPAN_DETAIL_SELECT_TEXT)}
    FROM spans FINAL
    WHERE project_id = ${projectId} AND trace_id = ${traceId} AND span_id = ${spanId} AND ${traceBounds(projectId, [traceId])}
    LIMIT 1`);
  if (!row) return null;
  // The resource is stored once per resource (span_resources); FINAL collapses re-writes.
  const [res] = await store.query<{ attributes: Record<string, string> }>(sql`SELECT attributes FROM span_resources FINAL
    WHERE project_id = ${projectId} AND resource_hash = ${param(resourceHashOf(row), 'UInt64')} LIMIT 1`);
  return toSpanDetail(row, res?.attributes ?? {});
}

/**
 * Whether a trace has any span in this project: one keyed read of trace_index (ordered by
 * project and trace id), so the trace page can answer 404 before it loads the spans.
 */
export async function traceExists(store: Store, projectId: string, traceId: string): Promise<boolean> {
  const rows = await store.query<{ one: number }>(sql`SELECT 1 AS one FROM trace_index
    WHERE project_id = ${projectId} AND trace_id = ${traceId} LIMIT 1`);
  return rows.length > 0;
}
