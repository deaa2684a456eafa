import type {
  AgentGraph,
  AgentRollupRow,
  CriticalPath,
  FailureAnalysis,
  GraphLayout,
  TraceSpan,
  TraceSummary,
} from '@plumb/analytics';

/**
 * The shapes the pages render. `api.ts` maps tRPC procedure outputs onto these, so a change in
 * a procedure's output touches one adapter, not every component. Times are epoch ms, money is
 * USD as a JS number (display only; exact sums are the server's job).
 */

export interface OverviewKpis {
  requests: number;
  errors: number;
  /** 0–1 */
  errorRate: number;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  p99LatencyMs: number | null;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
  /** LLM spans with no matching price (cost unknown, not $0). */
  unpricedSpans: number;
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
}

export interface TimeSeries {
  stepMs: number;
  points: SeriesPoint[];
}

export type TopDimension = 'model' | 'tenant' | 'agent' | 'requestType';

export interface TopRow {
  /** Dimension value ('' = not set). */
  key: string;
  requests: number;
  errors: number;
  p95LatencyMs: number | null;
  totalTokens: number;
  costUsd: number;
}

export interface TraceListItem {
  traceId: string;
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
  costUsd: number;
  /** Conversation view only: the turn's first input and last output text ('' when absent). */
  input: string;
  output: string;
}

export interface TraceListPage {
  items: TraceListItem[];
  nextCursor: string | null;
  prevCursor: string | null;
}

export interface SpanEventView {
  timeMs: number;
  name: string;
  attributes: Record<string, string>;
}

export interface SpanLinkView {
  traceId: string;
  spanId: string;
  attributes: Record<string, string>;
}

/** Cost per token bucket in USD (the five add up to costUsd). */
export interface CostBuckets {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

/** A span with everything the detail panel shows. */
export interface SpanView extends Omit<TraceSpan, 'links'> {
  responseModel: string;
  serviceVersion: string;
  kind: string;
  ttftMs: number | null;
  priceId: string;
  pricingStatus: string;
  costBuckets: CostBuckets | null;
  inputText: string;
  outputText: string;
  attributes: Record<string, string>;
  resourceAttributes: Record<string, string>;
  events: SpanEventView[];
  links: SpanLinkView[];
}

export interface TraceContext {
  tenant: string;
  requestType: string;
  sessionId: string;
  userId: string;
}

export interface TraceDetail {
  traceId: string;
  spans: SpanView[];
  context: TraceContext;
  summary: TraceSummary;
  criticalPath: CriticalPath;
  failure: FailureAnalysis;
  graph: AgentGraph;
  layout: GraphLayout;
  rollup: AgentRollupRow[];
}

export interface SessionDetail {
  sessionId: string;
  traces: TraceListItem[];
  totalCostUsd: number;
  totalTokens: number;
  totalDurationMs: number;
  /** More traces exist than the server returns for one conversation. */
  truncated: boolean;
}
