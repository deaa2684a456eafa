import type { TimeRange } from '@/lib/time-range';
import { explorerHref, type TraceFilterPatch } from '@/lib/trace-filters';
import { DIMENSIONS } from '../explore/state';

/** Stage order, labels and colours shared by the regression view's panels. */
export const STAGE_META = [
  { key: 'queue', label: 'Queue wait', color: 'var(--chart-4)' },
  { key: 'prefill', label: 'Prefill (TTFT)', color: 'var(--chart-2)' },
  { key: 'decode', label: 'Decode', color: 'var(--chart-1)' },
  { key: 'llm', label: 'LLM call (no TTFT)', color: 'var(--chart-5)' },
  { key: 'retrieval', label: 'Retrieval', color: 'var(--chart-3)' },
  { key: 'tool', label: 'Tool calls', color: 'var(--stage-tool)' },
  { key: 'own', label: 'Own time', color: 'var(--stage-own)' },
] as const;
export type StageKey = (typeof STAGE_META)[number]['key'];

/** Labels of the latency dimensions: the latency page's own list (one table for both views). */
export const DIMENSION_LABEL: Record<string, string> = Object.fromEntries(DIMENSIONS.map((d) => [d.key, d.label]));

/** Explorer filter for a dimension value, where the explorer has one (else null: no exact link). */
export function dimensionFilter(dimension: string, value: string): TraceFilterPatch | null {
  switch (dimension) {
    case 'model':
    case 'response_model':
      return value === '' ? null : { model: value };
    case 'tenant':
      return { tenant: value };
    case 'request_type':
      return { requestType: value };
    case 'agent':
      return { agent: value };
    case 'service':
      return { service: value };
    case 'environment':
      return { environment: value };
    default:
      return null;
  }
}

/** The traces behind a number: the window, the segment, optionally only slow ones (> minMs). */
export function tracesHref(windowMs: { fromMs: number; toMs: number }, filter: TraceFilterPatch, minMs?: number): string {
  const range: TimeRange = { kind: 'absolute', fromMs: windowMs.fromMs, toMs: windowMs.toMs };
  return explorerHref({ ...filter, ...(minMs !== undefined && Number.isFinite(minMs) ? { minDurationMs: Math.floor(minMs) + 1 } : {}) }, range);
}

export const emptyLabel = (dimension: string) => `(no ${(DIMENSION_LABEL[dimension] ?? dimension).toLowerCase()})`;
