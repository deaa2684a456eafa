import {
  agentName, buildSpanTree, CATEGORIES, layoutGraph, nearestAgent, NO_AGENT,
  type AgentGraph, type AgentRollupRow, type Category, type GraphLayout, type GraphNode, type TraceSpan, type TraceSummary,
} from '@plumb/analytics';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/router';
import type { LoadedTrace } from '@/server/routers/trace-view';

/**
 * The ONE place procedure outputs become what the pages draw. Input types are inferred from the
 * router (a renamed or retyped field is a compile error here, not a blank cell), and every unit
 * conversion happens here: ISO-with-microseconds → epoch ms (floats, µs kept), semantic-layer
 * snake_case measures → camelCase numbers, decimal money → numbers for display, token sums, and
 * the agent graph's layout. Cost is always a `Cost`: the priced USD AND the number of spans whose
 * price is unknown, so no view can print an unknown cost as $0 (see formatCost).
 */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Spend: USD of priced spans, plus how many usage-counted spans have no price (cost unknown). */
export interface Cost {
  usd: number;
  unpriced: number;
}

export const addCost = (a: Cost, b: Cost): Cost => ({ usd: a.usd + b.usd, unpriced: a.unpriced + b.unpriced });

/** A measure value (number, exact decimal text, or null) as a number; null stays null. */
function numOrNull(v: string | number | null | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}
const num = (v: string | number | null | undefined): number => numOrNull(v) ?? 0;

/** ISO 8601 with up to 9 fractional digits → epoch ms as a float (Date.parse drops the µs). */
export function isoToMs(iso: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(iso);
  if (!m) return Date.parse(iso);
  return Date.parse(`${m[1]}Z`) + Number(`0.${m[2] ?? '0'}`) * 1000;
}

// ---------------------------------------------------------------------------------------------
// Overview

type Overview = RouterOutputs['overview']['get'];
type MeasureRow = Overview['kpis'];

export interface OverviewKpis {
  requests: number;
  errors: number;
  /** 0–1; null without requests. */
  errorRate: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  p99LatencyMs: number | null;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cost: Cost;
}

export interface SeriesPoint {
  /** Bucket start, epoch ms. */
  t: number;
  requests: number;
  errors: number;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  p99LatencyMs: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpricedSpans: number;
}

export type TopDimension = 'model' | 'tenant' | 'agent' | 'requestType';

export interface TopRow {
  /** Dimension value ('' = not set). */
  key: string;
  requests: number;
  errors: number;
  totalTokens: number;
  cost: Cost;
}

/** What a top table leaves out: the groups past its rows and their totals (a row of its own). */
export interface TopLeftOut {
  groups: number;
  totals: TopRow;
}

export interface OverviewView {
  kpis: OverviewKpis;
  series: { stepMs: number; points: SeriesPoint[] };
  top: Record<TopDimension, TopRow[]>;
  topLeftOut: Record<TopDimension, TopLeftOut | null>;
}

/** A semantic `leftOut` (totals of the additive top measures) as a top-table row. */
export function topLeftOutView(l: { groups: number; totals: Record<string, number | string> } | null | undefined): TopLeftOut | null {
  if (!l || l.groups <= 0) return null;
  const t = l.totals;
  return { groups: l.groups, totals: { key: '', requests: num(t.requests), errors: num(t.errors), totalTokens: num(t.total_tokens), cost: { usd: num(t.cost_usd), unpriced: num(t.unpriced_spans) } } };
}

function kpisView(k: MeasureRow): OverviewKpis {
  return {
    requests: num(k.requests),
    errors: num(k.errors),
    errorRate: numOrNull(k.error_rate),
    p50LatencyMs: numOrNull(k.p50_latency_ms),
    p95LatencyMs: numOrNull(k.p95_latency_ms),
    p99LatencyMs: numOrNull(k.p99_latency_ms),
    inputTokens: num(k.input_tokens),
    outputTokens: num(k.output_tokens),
    totalTokens: num(k.total_tokens),
    cost: { usd: num(k.cost_usd), unpriced: num(k.unpriced_spans) },
  };
}

function topView(rows: Overview['top']['models']): TopRow[] {
  return rows.map((r) => ({
    key: r.key,
    requests: num(r.requests),
    errors: num(r.errors),
    totalTokens: num(r.total_tokens),
    cost: { usd: num(r.cost_usd), unpriced: num(r.unpriced_spans) },
  }));
}

export function overviewView(o: Overview): OverviewView {
  return {
    kpis: kpisView(o.kpis),
    series: {
      stepMs: o.intervalMs,
      points: o.series.map((p) => ({
        t: isoToMs(String(p.time)),
        requests: num(p.requests),
        errors: num(p.errors),
        p50LatencyMs: numOrNull(p.p50_latency_ms),
        p95LatencyMs: numOrNull(p.p95_latency_ms),
        p99LatencyMs: numOrNull(p.p99_latency_ms),
        inputTokens: num(p.input_tokens),
        outputTokens: num(p.output_tokens),
        costUsd: num(p.cost_usd),
        unpricedSpans: num(p.unpriced_spans),
      })),
    },
    top: { model: topView(o.top.models), tenant: topView(o.top.tenants), agent: topView(o.top.agents), requestType: topView(o.top.requestTypes) },
    topLeftOut: {
      model: topLeftOutView(o.topLeftOut.models), tenant: topLeftOutView(o.topLeftOut.tenants),
      agent: topLeftOutView(o.topLeftOut.agents), requestType: topLeftOutView(o.topLeftOut.requestTypes),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Trace list and sessions

type TraceItem = RouterOutputs['traces']['list']['items'][number];

export interface TraceListItemView {
  traceId: string;
  /** Root status: 'ok' with errorCount > 0 means every error was recovered (retried, handled). */
  status: 'ok' | 'error';
  startMs: number;
  rootName: string;
  service: string;
  tenant: string;
  requestType: string;
  sessionId: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  totalTokens: number;
  cost: Cost;
}

function traceItemView(t: TraceItem): TraceListItemView {
  return {
    traceId: t.traceId,
    status: t.status,
    startMs: isoToMs(t.startTime),
    rootName: t.rootName,
    service: t.service,
    tenant: t.tenant,
    requestType: t.requestType,
    sessionId: t.sessionId,
    durationMs: t.durationMs,
    spanCount: t.spanCount,
    errorCount: t.errorCount,
    totalTokens: t.inputTokens + t.outputTokens,
    cost: { usd: t.costUsd, unpriced: t.unpricedSpans },
  };
}

/** The explorer's summary of everything its filter selects. */
export interface TraceSummaryView {
  traces: number;
  failed: number;
  withErrors: number;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  cost: Cost;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export function traceSummaryView(s: RouterOutputs['traces']['summary']): TraceSummaryView {
  return {
    traces: s.traces,
    failed: s.failed,
    withErrors: s.withErrors,
    p50DurationMs: s.p50DurationMs,
    p95DurationMs: s.p95DurationMs,
    cost: { usd: s.costUsd, unpriced: s.unpricedSpans },
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    totalTokens: s.inputTokens + s.outputTokens,
  };
}

export interface TraceListView {
  items: TraceListItemView[];
  nextCursor: string | null;
}

export function traceListView(page: RouterOutputs['traces']['list']): TraceListView {
  return { items: page.items.map(traceItemView), nextCursor: page.nextCursor };
}

export interface SessionTurnView extends TraceListItemView {
  /** The turn's first input and last output text ('' when absent). */
  input: string;
  output: string;
}

export interface SessionView {
  sessionId: string;
  /** Oldest first. */
  traces: SessionTurnView[];
  cost: Cost;
  totalTokens: number;
  totalDurationMs: number;
  /** More turns exist than one conversation returns. */
  truncated: boolean;
}

export function sessionView(c: RouterOutputs['sessions']['get']): SessionView {
  const traces = c.traces.map((t) => ({ ...traceItemView(t), input: t.input, output: t.output }));
  return {
    sessionId: c.sessionId,
    traces,
    cost: { usd: c.totalCostUsd, unpriced: traces.reduce((a, t) => a + t.cost.unpriced, 0) },
    totalTokens: c.inputTokens + c.outputTokens,
    totalDurationMs: traces.reduce((a, t) => a + t.durationMs, 0),
    truncated: c.truncated,
  };
}

// ---------------------------------------------------------------------------------------------
// One trace

/** The trace page's query (`traceView.get`), unpacked: the shape of `traces.get`. */
type TraceOut = LoadedTrace;
type StoreSpan = TraceOut['spans'][number];

/** A span as the waterfall and the detail panel draw it (the analytics span plus display fields). */
export interface SpanView extends TraceSpan {
  responseModel: string;
  kind: string;
  ttftMs: number | null;
  priceId: string;
  pricingStatus: StoreSpan['pricingStatus'];
  /** This span's own cost; `unpriced` is 1 when its model matched no price. */
  cost: Cost;
}

const CATEGORY_SET: ReadonlySet<string> = new Set(CATEGORIES);

export function spanView(s: StoreSpan): SpanView {
  return {
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    traceId: s.traceId,
    name: s.name,
    service: s.service,
    startMs: isoToMs(s.startTime),
    endMs: isoToMs(s.endTime),
    status: s.status,
    statusMessage: s.statusMessage,
    errorType: s.errorType,
    category: CATEGORY_SET.has(s.category) ? (s.category as Category) : 'other',
    operation: s.operation,
    agent: s.agent,
    tool: s.tool,
    model: s.model,
    provider: s.provider,
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    cacheReadTokens: s.cacheReadTokens,
    cacheWriteTokens: s.cacheWriteTokens,
    reasoningTokens: s.reasoningTokens,
    costUsd: s.costUsd,
    usageCounted: s.usageCounted,
    links: s.links,
    responseModel: s.responseModel,
    kind: s.kind,
    ttftMs: s.ttftMs,
    priceId: s.priceId,
    pricingStatus: s.pricingStatus,
    cost: { usd: s.costUsd, unpriced: s.pricingStatus === 'unpriced' ? 1 : 0 },
  };
}

export type GraphNodeView = GraphNode & { cost: Cost };
export type AgentRollupView = AgentRollupRow & { cost: Cost };

export interface TraceView {
  traceId: string;
  spans: SpanView[];
  context: TraceOut['context'];
  summary: TraceSummary & { cost: Cost };
  criticalPath: TraceOut['criticalPath'];
  failure: TraceOut['failure'];
  graph: { nodes: GraphNodeView[]; edges: AgentGraph['edges'] };
  layout: GraphLayout;
  rollup: AgentRollupView[];
}

/** Node box size the agent graph view draws; the layout is computed with the same numbers. */
export const GRAPH_LAYOUT = { nodeWidth: 180, nodeHeight: 64, gapX: 36, gapY: 64, margin: 24 };

/**
 * Unpriced usage-counted spans attributed the way the analytics attribute cost: to the graph node
 * holding the span and, for a non-agent span, also to its owning agent's node (an agent node
 * carries what its direct calls spent); and to the rollup row of the nearest ancestor-or-self
 * agent. Linear in spans plus the ancestor walks of the unpriced ones.
 */
function unpricedAttribution(spans: readonly SpanView[], graph: AgentGraph): { byNode: Map<string, number>; byAgent: Map<string, number> } {
  const byNode = new Map<string, number>();
  const byAgent = new Map<string, number>();
  const unpriced = spans.filter((s) => s.usageCounted && s.pricingStatus === 'unpriced');
  if (unpriced.length === 0) return { byNode, byAgent };
  const nodeOfSpan = new Map<string, string>();
  for (const n of graph.nodes) for (const id of n.spanIds) nodeOfSpan.set(id, n.id);
  const tree = buildSpanTree(spans);
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const s of unpriced) {
    const node = tree.byId.get(s.spanId);
    if (!node) continue;
    const own = nodeOfSpan.get(s.spanId);
    if (own) bump(byNode, own);
    const ownerAgent = nearestAgent(node, false);
    const ownerNode = ownerAgent && s.category !== 'agent' ? nodeOfSpan.get(ownerAgent.span.spanId) : undefined;
    if (ownerNode) bump(byNode, ownerNode);
    const rollupOwner = nearestAgent(node, true);
    bump(byAgent, rollupOwner ? agentName(rollupOwner.span) : NO_AGENT);
  }
  return { byNode, byAgent };
}

export function traceView(t: TraceOut): TraceView {
  const spans = t.spans.map(spanView);
  const { byNode, byAgent } = unpricedAttribution(spans, t.agentGraph);
  const totalUnpriced = spans.filter((s) => s.usageCounted && s.pricingStatus === 'unpriced').length;
  return {
    traceId: t.traceId,
    spans,
    context: t.context,
    summary: { ...t.summary, cost: { usd: t.summary.costUsd, unpriced: totalUnpriced } },
    criticalPath: t.criticalPath,
    failure: t.failure,
    graph: { nodes: t.agentGraph.nodes.map((n) => ({ ...n, cost: { usd: n.costUsd, unpriced: byNode.get(n.id) ?? 0 } })), edges: t.agentGraph.edges },
    // Laid out here (pure and cheap) so positions always match the node size the view draws.
    layout: layoutGraph(t.agentGraph, GRAPH_LAYOUT),
    rollup: t.rollup.map((r) => ({ ...r, cost: { usd: r.costUsd, unpriced: byAgent.get(r.agent) ?? 0 } })),
  };
}

// ---------------------------------------------------------------------------------------------
// One span's detail

type SpanDetailOut = NonNullable<RouterOutputs['spans']['detail']>;

/** What the span detail query adds to the trace's span: attributes, events, texts. */
export interface SpanDetailView {
  serviceVersion: string;
  inputText: string;
  outputText: string;
  attributes: Record<string, string>;
  resourceAttributes: Record<string, string>;
  events: { timeMs: number; name: string; attributes: Record<string, string> }[];
}

export function spanDetailView(d: SpanDetailOut | null): SpanDetailView | null {
  if (!d) return null;
  return {
    serviceVersion: d.serviceVersion,
    inputText: d.inputText,
    outputText: d.outputText,
    attributes: d.attributes,
    resourceAttributes: d.resourceAttributes,
    events: d.events.map((e) => ({ timeMs: isoToMs(e.time), name: e.name, attributes: e.attributes })),
  };
}

// ---------------------------------------------------------------------------------------------
// Sessions list

type SessionItem = RouterOutputs['sessions']['list']['items'][number];

export interface SessionListItemView {
  sessionId: string;
  traces: number;
  firstMs: number;
  lastMs: number;
  durationMs: number;
  tenant: string;
  /** Distinct tenants (more than one: the session crossed tenants, shown as "+n"). */
  tenantCount: number;
  userId: string;
  errorTraces: number;
  errorSpans: number;
  totalTokens: number;
  cost: Cost;
}

export interface SessionListView {
  items: SessionListItemView[];
  total: number;
  nextCursor: string | null;
}

export function sessionListView(page: RouterOutputs['sessions']['list']): SessionListView {
  return {
    total: page.total,
    nextCursor: page.nextCursor,
    items: page.items.map((s: SessionItem) => ({
      sessionId: s.sessionId,
      traces: s.traces,
      firstMs: isoToMs(s.firstSeen),
      lastMs: isoToMs(s.lastSeen),
      durationMs: s.durationMs,
      tenant: s.tenant,
      tenantCount: s.tenantCount,
      userId: s.userId,
      errorTraces: s.errorTraces,
      errorSpans: s.errorSpans,
      totalTokens: s.inputTokens + s.outputTokens,
      cost: { usd: s.costUsd, unpriced: s.unpricedSpans },
    })),
  };
}
