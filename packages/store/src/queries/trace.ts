import { sql } from '../sql.ts';
import type { Store } from '../store.ts';
import { isoFromMicros } from '../semantic/errors.ts';
import { SPAN_SELECT, toSpanRecord, traceBounds, type RawSpan, type TraceSpanRecord } from './rows.ts';

export interface TraceDetail {
  traceId: string;
  /** Ordered by start time, then span id. */
  spans: TraceSpanRecord[];
}

/** All spans of one trace (deduplicated), or null when the trace is unknown in this project. */
export async function getTrace(store: Store, projectId: string, traceId: string): Promise<TraceDetail | null> {
  const rows = await store.query<RawSpan>(sql`SELECT ${SPAN_SELECT}
    FROM spans FINAL
    WHERE project_id = ${projectId} AND trace_id = ${traceId} AND ${traceBounds(projectId, [traceId])}
    ORDER BY start_time, span_id`);
  if (rows.length === 0) return null;
  return { traceId, spans: rows.map(toSpanRecord) };
}

export interface SpanEventRecord {
  time: string;
  name: string;
  attributes: Record<string, string>;
}

export interface SpanDetail extends TraceSpanRecord {
  attributes: Record<string, string>;
  resourceAttributes: Record<string, string>;
  events: SpanEventRecord[];
  inputText: string;
  outputText: string;
  serviceVersion: string;
  environment: string;
  scopeName: string;
  traceState: string;
  agentId: string;
  /** False while the span's trace context (tenant, request type) was not yet known at ingest. */
  contextResolved: boolean;
  /** The exact cost as decimal text (costUsd is its JSON-number rendering). */
  costUsdExact: string;
}

interface RawDetail extends RawSpan {
  attributes: Record<string, string>;
  resourceAttributes: Record<string, string>;
  eventList: [number, string, Record<string, string>][];
  inputText: string;
  outputText: string;
  serviceVersion: string;
  environment: string;
  scopeName: string;
  traceState: string;
  agentId: string;
  contextResolved: boolean;
}

/** One span with everything stored about it, or null. */
export async function getSpanDetail(store: Store, projectId: string, traceId: string, spanId: string): Promise<SpanDetail | null> {
  const [row] = await store.query<RawDetail>(sql`SELECT ${SPAN_SELECT},
      attributes, resource_attributes AS resourceAttributes,
      arrayMap(e -> (toUnixTimestamp64Micro(e.time), e.name, e.attributes), events) AS eventList,
      input_text AS inputText, output_text AS outputText, service_version AS serviceVersion, environment,
      scope_name AS scopeName, trace_state AS traceState, agent_id AS agentId, context_resolved AS contextResolved
    FROM spans FINAL
    WHERE project_id = ${projectId} AND trace_id = ${traceId} AND span_id = ${spanId} AND ${traceBounds(projectId, [traceId])}
    LIMIT 1`);
  if (!row) return null;
  return {
    ...toSpanRecord(row),
    attributes: row.attributes,
    resourceAttributes: row.resourceAttributes,
    events: row.eventList.map(([us, name, attributes]) => ({ time: isoFromMicros(us), name, attributes })),
    inputText: row.inputText,
    outputText: row.outputText,
    serviceVersion: row.serviceVersion,
    environment: row.environment,
    scopeName: row.scopeName,
    traceState: row.traceState,
    agentId: row.agentId,
    contextResolved: Boolean(row.contextResolved),
    costUsdExact: row.costUsdText,
  };
}
