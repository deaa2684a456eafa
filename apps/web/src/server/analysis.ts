import {
  agentGraph, agentRollup, buildSpanTree, CATEGORIES, criticalPath, failureAnalysis, traceSummary,
  type AgentGraph, type AgentRollupRow, type Category, type CriticalPath, type FailureAnalysis, type TraceSpan, type TraceSummary,
} from '@plumb/analytics';
import { isoToEpochMs, type TraceSpanRecord } from '@plumb/store';

/** Store span (ISO µs times) → the analytics package's TraceSpan (epoch-ms floats). */
export function toTraceSpan(s: TraceSpanRecord): TraceSpan {
  const category = (CATEGORIES as readonly string[]).includes(s.category) ? (s.category as Category) : 'other';
  return {
    spanId: s.spanId, parentSpanId: s.parentSpanId, traceId: s.traceId, name: s.name, service: s.service,
    startMs: isoToEpochMs(s.startTime), endMs: isoToEpochMs(s.endTime), status: s.status, statusMessage: s.statusMessage,
    errorType: s.errorType, category, operation: s.operation, agent: s.agent, tool: s.tool, model: s.model,
    provider: s.provider, inputTokens: s.inputTokens, outputTokens: s.outputTokens, cacheReadTokens: s.cacheReadTokens,
    cacheWriteTokens: s.cacheWriteTokens, reasoningTokens: s.reasoningTokens, costUsd: s.costUsd,
    usageCounted: s.usageCounted, links: s.links,
  };
}

export interface TraceAnalysis {
  summary: TraceSummary;
  criticalPath: CriticalPath;
  failure: FailureAnalysis;
  agentGraph: AgentGraph;
  rollup: AgentRollupRow[];
}

/** Every per-trace analysis the trace view shows (pure functions, each linear in spans). */
export function analyzeTrace(spans: readonly TraceSpanRecord[]): TraceAnalysis {
  const ts = spans.map(toTraceSpan);
  // One span tree for all five (each would build its own): a fifth of the work on a big trace.
  const tree = buildSpanTree(ts);
  return {
    summary: traceSummary(ts, tree),
    criticalPath: criticalPath(ts, tree),
    failure: failureAnalysis(ts, tree),
    agentGraph: agentGraph(ts, tree),
    rollup: agentRollup(ts, tree),
  };
}
