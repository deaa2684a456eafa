import { sql, unsafeRaw, type SqlFragment } from '../sql.ts';
import { isoFromMicros } from '../semantic/errors.ts';

export type SpanKindName = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
const KINDS: readonly SpanKindName[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/** One span of a trace in the public (camelCase) shape; attributes, events and texts excluded. */
export interface TraceSpanRecord {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  service: string;
  /** ISO 8601 with microseconds. */
  startTime: string;
  endTime: string;
  durationMs: number;
  status: 'ok' | 'error' | 'unset';
  statusMessage: string;
  errorType: string;
  tenant: string;
  requestType: string;
  provider: string;
  operation: string;
  category: string;
  agent: string;
  tool: string;
  /** Requested model. */
  model: string;
  /** Served model version. */
  responseModel: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** USD; exact in storage, a JSON number here. */
  costUsd: number;
  priceId: string;
  pricingStatus: 'none' | 'priced' | 'unpriced';
  /** False for wrappers that repeat their children's usage; such spans never add to totals. */
  usageCounted: boolean;
  ttftMs: number | null;
  sessionId: string;
  userId: string;
  links: { traceId: string; spanId: string }[];
  kind: SpanKindName;
}

/** SELECT list producing RawSpan; read it from `spans FINAL`. */
export const SPAN_SELECT: SqlFragment = sql`${unsafeRaw(`trace_id AS traceId, span_id AS spanId, parent_span_id AS parentSpanId, name, service,
  toUnixTimestamp64Micro(start_time) AS startUs, toUnixTimestamp64Micro(end_time) AS endUs, duration_ns AS durationNs,
  toString(status_code) AS status, status_message AS statusMessage, error_type AS errorType, tenant,
  request_type AS requestType, provider, operation, category, agent_name AS agent, tool_name AS tool,
  request_model AS model, response_model AS responseModel, input_tokens AS inputTokens, output_tokens AS outputTokens,
  cache_read_tokens AS cacheReadTokens, cache_write_tokens AS cacheWriteTokens, reasoning_tokens AS reasoningTokens,
  toString(cost_usd) AS costUsdText, price_id AS priceId, toString(pricing_status) AS pricingStatus,
  usage_counted AS usageCounted, ttft_ms AS ttftMs, session_id AS sessionId, user_id AS userId, links, kind`)}`;

export interface RawSpan extends Omit<TraceSpanRecord, 'startTime' | 'endTime' | 'durationMs' | 'costUsd' | 'links' | 'kind'> {
  startUs: number;
  endUs: number;
  durationNs: number;
  costUsdText: string;
  links: { trace_id: string; span_id: string }[];
  kind: number;
}

/** Picks exactly the public fields (extra selected columns never leak into the API). */
export function toSpanRecord(r: RawSpan): TraceSpanRecord {
  return {
    traceId: r.traceId, spanId: r.spanId, parentSpanId: r.parentSpanId, name: r.name, service: r.service,
    startTime: isoFromMicros(r.startUs), endTime: isoFromMicros(r.endUs), durationMs: r.durationNs / 1e6,
    status: r.status, statusMessage: r.statusMessage, errorType: r.errorType, tenant: r.tenant, requestType: r.requestType,
    provider: r.provider, operation: r.operation, category: r.category, agent: r.agent, tool: r.tool, model: r.model,
    responseModel: r.responseModel, inputTokens: r.inputTokens, outputTokens: r.outputTokens,
    cacheReadTokens: r.cacheReadTokens, cacheWriteTokens: r.cacheWriteTokens, reasoningTokens: r.reasoningTokens,
    costUsd: Number(r.costUsdText), priceId: r.priceId, pricingStatus: r.pricingStatus, usageCounted: Boolean(r.usageCounted),
    ttftMs: r.ttftMs, sessionId: r.sessionId, userId: r.userId,
    links: r.links.map((l) => ({ traceId: l.trace_id, spanId: l.span_id })),
    kind: KINDS[r.kind] ?? 'unspecified',
  };
}

/** ISO 8601 with up to microseconds → epoch milliseconds as a float (µs kept). */
export function isoToEpochMs(iso: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(iso);
  if (!m) return Date.parse(iso);
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return Date.parse(`${m[1]}Z`) + Number(frac) / 1000;
}

/**
 * Where a set of traces lives in time, from trace_index: lower and upper bounds on span start
 * times, as scalar subqueries so the primary key (hour bucket) prunes before `trace_id` is read.
 * The upper bound gets an hour of slack for spans whose end precedes their start (clock skew).
 */
export function traceBounds(projectId: string, traceIds: readonly string[]): SqlFragment {
  const ids = [...traceIds];
  return sql`start_time >= (SELECT min(start_time) FROM trace_index WHERE project_id = ${projectId} AND trace_id IN ${ids})
    AND start_time <= (SELECT max(end_time) FROM trace_index WHERE project_id = ${projectId} AND trace_id IN ${ids}) + INTERVAL 1 HOUR`;
}
