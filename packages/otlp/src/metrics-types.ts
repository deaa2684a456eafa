import type { Attributes, OtlpScope } from './types.ts';

/**
 * A decoded ExportMetricsServiceRequest (opentelemetry-proto metrics/v1), as plain records.
 * Same conventions as traces (types.ts): times are unix ns as bigint, absent fields read as proto
 * defaults. Every data point keeps its metric's name, type, unit, temporality and monotonic flag
 * through `OtlpMetric`; the point itself carries only what varies per point.
 */
export type MetricType = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';

/** AggregationTemporality: 0 unspecified, 1 delta, 2 cumulative. */
export const Temporality = { UNSPECIFIED: 0, DELTA: 1, CUMULATIVE: 2 } as const;

export interface NumberPoint {
  attributes: Attributes;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** as_double, or as_int converted (an int64 past 2^53 loses precision, as in any float store). */
  value: number;
  flags: number;
}

export interface HistogramPoint {
  attributes: Attributes;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: number;
  /** NaN when absent (optional in the proto). */
  sum: number;
  min: number;
  max: number;
  bucketCounts: number[];
  explicitBounds: number[];
  flags: number;
}

export interface ExpBuckets {
  offset: number;
  bucketCounts: number[];
}

export interface ExpHistogramPoint {
  attributes: Attributes;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: number;
  sum: number;
  min: number;
  max: number;
  scale: number;
  zeroCount: number;
  zeroThreshold: number;
  positive: ExpBuckets;
  negative: ExpBuckets;
  flags: number;
}

export interface SummaryPoint {
  attributes: Attributes;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: number;
  sum: number;
  quantiles: { quantile: number; value: number }[];
  flags: number;
}

export type OtlpMetric =
  | { name: string; description: string; unit: string; type: 'gauge'; points: NumberPoint[] }
  | { name: string; description: string; unit: string; type: 'sum'; temporality: number; monotonic: boolean; points: NumberPoint[] }
  | { name: string; description: string; unit: string; type: 'histogram'; temporality: number; points: HistogramPoint[] }
  | { name: string; description: string; unit: string; type: 'exponential_histogram'; temporality: number; points: ExpHistogramPoint[] }
  | { name: string; description: string; unit: string; type: 'summary'; points: SummaryPoint[] }
  /** A metric with no data field set (or one this build does not know): no points. */
  | { name: string; description: string; unit: string; type: 'empty'; points: never[] };

export interface OtlpScopeMetrics {
  scope: OtlpScope;
  schemaUrl: string;
  metrics: OtlpMetric[];
}

export interface OtlpResourceMetrics {
  resource: Attributes;
  schemaUrl: string;
  scopeMetrics: OtlpScopeMetrics[];
}

export interface MetricsRequest {
  resourceMetrics: OtlpResourceMetrics[];
}

/** Data points in a request (the unit of limits and partial_success). */
export function countDataPoints(req: MetricsRequest): number {
  let n = 0;
  for (const rm of req.resourceMetrics) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += m.points.length;
  return n;
}
