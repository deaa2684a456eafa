import {
  agentGraph,
  agentRollup,
  criticalPath,
  failureAnalysis,
  layoutGraph,
  traceSummary,
  type AgentGraph,
  type Category,
  type CriticalPath,
  type FailureAnalysis,
  type TraceSummary,
  type AgentRollupRow,
} from '@plumb/analytics';
import type {
  CostBuckets,
  OverviewKpis,
  SeriesPoint,
  SessionDetail,
  SpanView,
  TimeSeries,
  TopRow,
  TraceDetail,
  TraceListItem,
  TraceListPage,
} from './api-types.ts';

/**
 * Tolerant converters from procedure outputs (unknown JSON) to the view types. Numbers may arrive
 * as numbers, decimal strings (exact money) or bigints; timestamps as epoch ms, ISO strings or
 * Dates. Missing analyses of a trace are computed here from its spans (the functions are pure).
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function num(v: unknown, fallback = 0): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : fallback;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : fallback;
  }
  return fallback;
}
function numOrNull(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = num(v, NaN);
  return Number.isFinite(n) ? n : null;
}
export function str(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
}
/** Epoch ms (µs kept as the fraction) from a number, numeric string, ISO string or Date. */
export function ms(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v);
  if (typeof v !== 'string') return 0;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  // Date.parse drops digits past milliseconds; short spans need the microseconds.
  const m = /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?$/.exec(v);
  if (m) {
    const base = Date.parse(`${m[1]!.replace(' ', 'T')}${m[3] ?? 'Z'}`);
    const frac = Number(`0.${m[2] ?? '0'}`) * 1000;
    return Number.isFinite(base) ? base + frac : 0;
  }
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : 0;
}
function pick(o: Obj, ...keys: string[]): unknown {
  for (const k of keys) if (o[k] !== undefined) return o[k];
  return undefined;
}
function strMap(v: unknown): Record<string, string> {
  if (!isObj(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) out[k] = str(val);
  return out;
}

export function adaptKpis(raw: unknown): OverviewKpis {
  const o = obj(raw);
  const requests = num(o.requests);
  const errors = num(o.errors);
  const inputTokens = num(pick(o, 'inputTokens', 'input_tokens'));
  const outputTokens = num(pick(o, 'outputTokens', 'output_tokens'));
  return {
    requests,
    errors,
    errorRate: num(pick(o, 'errorRate', 'error_rate'), requests > 0 ? errors / requests : 0),
    p50LatencyMs: numOrNull(pick(o, 'p50LatencyMs', 'p50_latency_ms')),
    p95LatencyMs: numOrNull(pick(o, 'p95LatencyMs', 'p95_latency_ms')),
    p99LatencyMs: numOrNull(pick(o, 'p99LatencyMs', 'p99_latency_ms')),
    inputTokens,
    outputTokens,
    totalTokens: num(pick(o, 'totalTokens', 'total_tokens'), inputTokens + outputTokens),
    costUsd: num(pick(o, 'costUsd', 'cost_usd')),
    unpricedSpans: num(pick(o, 'unpricedSpans', 'unpriced_spans', 'unpricedCount')),
  };
}

function adaptPoint(raw: unknown): SeriesPoint {
  const o = obj(raw);
  return {
    t: ms(pick(o, 't', 'time', 'bucket', 'ts')),
    requests: num(o.requests),
    errors: num(o.errors),
    p50LatencyMs: numOrNull(pick(o, 'p50LatencyMs', 'p50_latency_ms')),
    p95LatencyMs: numOrNull(pick(o, 'p95LatencyMs', 'p95_latency_ms')),
    p99LatencyMs: numOrNull(pick(o, 'p99LatencyMs', 'p99_latency_ms')),
    inputTokens: num(pick(o, 'inputTokens', 'input_tokens')),
    outputTokens: num(pick(o, 'outputTokens', 'output_tokens')),
    costUsd: num(pick(o, 'costUsd', 'cost_usd')),
  };
}

export function adaptSeries(raw: unknown): TimeSeries {
  const o = Array.isArray(raw) ? { points: raw } : obj(raw);
  const points = arr(pick(o, 'points', 'rows', 'series')).map(adaptPoint).sort((a, b) => a.t - b.t);
  const second = points[1];
  const first = points[0];
  const stepMs = num(pick(o, 'stepMs', 'step_ms'), second && first ? second.t - first.t : 60_000);
  return { stepMs, points };
}

export function adaptTop(raw: unknown): TopRow[] {
  const rows = Array.isArray(raw) ? raw : arr(pick(obj(raw), 'rows', 'items'));
  return rows.map((r) => {
    const o = obj(r);
    return {
      key: str(pick(o, 'key', 'value', 'name')),
      requests: num(o.requests),
      errors: num(o.errors),
      p95LatencyMs: numOrNull(pick(o, 'p95LatencyMs', 'p95_latency_ms')),
      totalTokens: num(pick(o, 'totalTokens', 'total_tokens'), num(o.inputTokens) + num(o.outputTokens)),
      costUsd: num(pick(o, 'costUsd', 'cost_usd')),
    };
  });
}

export function adaptTraceItem(raw: unknown): TraceListItem {
  const o = obj(raw);
  return {
    traceId: str(o.traceId),
    startMs: ms(pick(o, 'startMs', 'startTime', 'start')),
    rootName: str(pick(o, 'rootName', 'name')),
    service: str(o.service),
    tenant: str(o.tenant),
    requestType: str(o.requestType),
    sessionId: str(o.sessionId),
    durationMs: num(o.durationMs),
    spanCount: num(pick(o, 'spanCount', 'spans')),
    errorCount: num(pick(o, 'errorCount', 'errors')),
    totalTokens: num(pick(o, 'totalTokens', 'tokens'), num(o.inputTokens) + num(o.outputTokens)),
    costUsd: num(o.costUsd),
    input: str(o.input),
    output: str(o.output),
  };
}

export function adaptTraceList(raw: unknown): TraceListPage {
  const o = obj(raw);
  return {
    items: arr(pick(o, 'items', 'traces', 'rows')).map(adaptTraceItem),
    nextCursor: str(o.nextCursor) || null,
    prevCursor: str(o.prevCursor) || null,
  };
}

const CATS: readonly Category[] = ['llm', 'agent', 'tool', 'retrieval', 'chain', 'other'];

function adaptBuckets(v: unknown): CostBuckets | null {
  if (!isObj(v)) return null;
  return {
    input: num(v.input),
    output: num(v.output),
    cacheRead: num(v.cacheRead),
    cacheWrite: num(v.cacheWrite),
    reasoning: num(v.reasoning),
  };
}

export function adaptSpan(raw: unknown): SpanView {
  const o = obj(raw);
  const status = str(pick(o, 'status', 'statusCode'));
  const category = str(o.category) as Category;
  return {
    spanId: str(o.spanId),
    parentSpanId: str(o.parentSpanId),
    traceId: str(o.traceId),
    name: str(o.name),
    service: str(o.service),
    serviceVersion: str(o.serviceVersion),
    kind: str(o.kind),
    startMs: ms(pick(o, 'startMs', 'startTime')),
    endMs: ms(pick(o, 'endMs', 'endTime')),
    status: status === 'error' || status === 'ok' ? status : 'unset',
    statusMessage: str(o.statusMessage),
    errorType: str(o.errorType),
    category: CATS.includes(category) ? category : 'other',
    operation: str(o.operation),
    agent: str(pick(o, 'agent', 'agentName')),
    tool: str(pick(o, 'tool', 'toolName')),
    model: str(pick(o, 'model', 'requestModel')),
    responseModel: str(o.responseModel),
    provider: str(o.provider),
    inputTokens: num(o.inputTokens),
    outputTokens: num(o.outputTokens),
    cacheReadTokens: num(o.cacheReadTokens),
    cacheWriteTokens: num(o.cacheWriteTokens),
    reasoningTokens: num(o.reasoningTokens),
    costUsd: num(o.costUsd),
    usageCounted: Boolean(o.usageCounted),
    ttftMs: numOrNull(o.ttftMs),
    priceId: str(o.priceId),
    pricingStatus: str(o.pricingStatus),
    costBuckets: adaptBuckets(pick(o, 'costBuckets', 'costBreakdown')),
    inputText: str(o.inputText),
    outputText: str(o.outputText),
    attributes: strMap(o.attributes),
    resourceAttributes: strMap(o.resourceAttributes),
    events: arr(o.events).map((e) => {
      const eo = obj(e);
      return { timeMs: ms(pick(eo, 'timeMs', 'time', 'timestamp')), name: str(eo.name), attributes: strMap(eo.attributes) };
    }),
    links: arr(o.links).map((l) => {
      const lo = obj(l);
      return { traceId: str(lo.traceId), spanId: str(lo.spanId), attributes: strMap(lo.attributes) };
    }),
  };
}

/** null when the trace does not exist. */
export function adaptTrace(raw: unknown): TraceDetail | null {
  if (raw === null || raw === undefined) return null;
  const o = obj(raw);
  const spans = arr(o.spans).map(adaptSpan);
  if (spans.length === 0) return null;
  const analysisInput = spans.map((s) => ({ ...s, links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId })) }));
  const graph = (isObj(o.graph) ? o.graph : isObj(o.agentGraph) ? o.agentGraph : agentGraph(analysisInput)) as AgentGraph;
  const ctx = obj(o.context);
  const first = spans.find((s) => !s.parentSpanId) ?? spans[0]!;
  const firstRaw = obj(arr(o.spans)[spans.indexOf(first)]);
  return {
    traceId: str(o.traceId) || first.traceId,
    spans,
    context: {
      tenant: str(pick(ctx, 'tenant') ?? pick(o, 'tenant') ?? firstRaw.tenant),
      requestType: str(pick(ctx, 'requestType') ?? pick(o, 'requestType') ?? firstRaw.requestType),
      sessionId: str(pick(ctx, 'sessionId') ?? pick(o, 'sessionId') ?? firstRaw.sessionId),
      userId: str(pick(ctx, 'userId') ?? pick(o, 'userId') ?? firstRaw.userId),
    },
    summary: (isObj(o.summary) ? o.summary : traceSummary(analysisInput)) as TraceSummary,
    criticalPath: (isObj(o.criticalPath) ? o.criticalPath : criticalPath(analysisInput)) as CriticalPath,
    failure: (isObj(o.failure) ? o.failure : isObj(o.failureAnalysis) ? o.failureAnalysis : failureAnalysis(analysisInput)) as FailureAnalysis,
    graph,
    // Laid out here (pure and cheap) so positions always match the node size the view draws.
    layout: layoutGraph(graph, GRAPH_LAYOUT),
    rollup: (Array.isArray(o.rollup) ? o.rollup : Array.isArray(o.agentRollup) ? o.agentRollup : agentRollup(analysisInput)) as AgentRollupRow[],
  };
}

/** Node box size the agent graph view draws; the server should lay out with the same numbers. */
export const GRAPH_LAYOUT = { nodeWidth: 180, nodeHeight: 64, gapX: 36, gapY: 64, margin: 24 };

export function adaptSession(sessionId: string, raw: unknown): SessionDetail {
  const o = Array.isArray(raw) ? { traces: raw } : obj(raw);
  const traces = arr(pick(o, 'traces', 'items')).map(adaptTraceItem).sort((a, b) => a.startMs - b.startMs);
  return {
    sessionId: str(o.sessionId) || sessionId,
    traces,
    totalCostUsd: num(o.totalCostUsd, traces.reduce((s, t) => s + t.costUsd, 0)),
    totalTokens: num(o.totalTokens, traces.reduce((s, t) => s + t.totalTokens, 0)),
    totalDurationMs: num(o.totalDurationMs, traces.reduce((s, t) => s + t.durationMs, 0)),
    truncated: o.truncated === true,
  };
}
