import { buildSpanTree, primaryRoot, type SpanTree } from './tree.ts';
import { tick } from './ops.ts';
import type { TraceSpan } from './types.ts';

export interface TraceSummary {
  traceId: string;
  /** Name and id of the longest root ('' for an empty trace). */
  rootName: string;
  rootSpanId: string;
  /** Earliest start / latest end over all spans (an incomplete trace may outlast its root). */
  startMs: number;
  endMs: number;
  durationMs: number;
  /** Distinct span ids. */
  spanCount: number;
  errorCount: number;
  /** Usage sums over usageCounted spans only; totalTokens = input + output. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  costUsd: number;
  /** Distinct non-empty values, sorted. */
  services: string[];
  models: string[];
}

export function traceSummary(spans: readonly TraceSpan[], tree: SpanTree = buildSpanTree(spans)): TraceSummary {
  const root = primaryRoot(tree);
  const s: TraceSummary = {
    traceId: root?.span.traceId ?? '',
    rootName: root?.span.name ?? '',
    rootSpanId: root?.span.spanId ?? '',
    startMs: 0,
    endMs: 0,
    durationMs: 0,
    spanCount: tree.byId.size,
    errorCount: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    totalTokens: 0,
    costUsd: 0,
    services: [],
    models: [],
  };
  if (!root) return s;

  const services = new Set<string>();
  const models = new Set<string>();
  let start = Infinity;
  let end = -Infinity;
  for (const { span } of tree.byId.values()) {
    tick();
    start = Math.min(start, span.startMs);
    end = Math.max(end, span.endMs, span.startMs);
    if (span.status === 'error') s.errorCount++;
    if (span.service) services.add(span.service);
    if (span.model) models.add(span.model);
    if (span.usageCounted) {
      s.inputTokens += span.inputTokens;
      s.outputTokens += span.outputTokens;
      s.cacheReadTokens += span.cacheReadTokens;
      s.cacheWriteTokens += span.cacheWriteTokens;
      s.reasoningTokens += span.reasoningTokens;
      s.costUsd += span.costUsd;
    }
  }
  s.startMs = start;
  s.endMs = end;
  s.durationMs = end - start;
  s.totalTokens = s.inputTokens + s.outputTokens;
  s.services = [...services].sort();
  s.models = [...models].sort();
  return s;
}
