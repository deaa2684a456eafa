import type { Store } from '../store.ts';
import { DIMENSION_BY_NAME } from '../semantic/catalog.ts';
import { rollupCoverage } from '../semantic/coverage.ts';
import { parseRange, QueryError, type TimeInput } from '../semantic/errors.ts';
import { compile } from '../semantic/compile.ts';
import { decodeRow } from '../semantic/decode.ts';
import { fillGaps, MAX_FILLED_POINTS } from '../semantic/fill.ts';
import { coverageFor, measureInfos, planMetricsQuery, queryMetrics, type LeftOut, type MetricRow } from '../semantic/query.ts';
import { hasRootlessTraces } from '../semantic/views.ts';

/**
 * Latency percentiles over time by one dimension (the /latency page, issue 10 item 1), answered
 * by the semantic layer: `queryMetrics` compiles one plan per shape and reads the hourly rollup's
 * DDSketch states for covered hours (merged across hours and groups, never averaged) plus raw
 * spans for the rest. This module only picks the measures, shares the window's rollup coverage
 * and rootless check between the statements, and shapes the rows for a chart.
 *
 * With a subject dimension (model, response_model, provider, agent) the latency is that of the
 * spans of that kind (model calls, agent runs), as everywhere in the semantic layer; otherwise it
 * is end-to-end request (trace) latency.
 */
export const LATENCY_DIMENSIONS = [
  'model', 'response_model', 'provider', 'tenant', 'request_type', 'agent', 'service', 'route', 'service_version', 'environment',
] as const;
export type LatencyDimension = (typeof LATENCY_DIMENSIONS)[number];

/** Filter dimensions the page offers (all rollup keys, so filtered queries still read the rollup). */
export const LATENCY_FILTER_DIMENSIONS = [...LATENCY_DIMENSIONS, 'status'] as const;
export type LatencyFilters = Partial<Record<(typeof LATENCY_FILTER_DIMENSIONS)[number], readonly string[]>>;

export const LATENCY_PERCENTILES = ['p50_latency_ms', 'p90_latency_ms', 'p95_latency_ms', 'p99_latency_ms'] as const;
const MEASURES = ['requests', ...LATENCY_PERCENTILES];

export interface LatencyPercentilesQuery {
  projectId: string;
  from: TimeInput;
  to: TimeInput;
  intervalMs: number;
  /** Omit for one series (all requests under the filters). */
  dimension?: LatencyDimension;
  filters?: LatencyFilters;
  /** Series shown (top by requests); the rest is summed into `leftOut`. Default 8. */
  limit?: number;
}

/** requests (count) and the four percentiles (ms, null without requests). */
export interface LatencyStats {
  requests: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}
export interface LatencyPoint extends LatencyStats {
  /** Bucket start, epoch ms. */
  t: number;
}
export interface LatencySeries {
  /** The dimension value ('' = the empty group, e.g. "(no model)"); '' also for the ungrouped series. */
  key: string;
  /** Over the whole window (sketches merged over every hour of the window, not an average of points). */
  window: LatencyStats;
  points: LatencyPoint[];
}
export interface LatencyPercentiles {
  fromMs: number;
  toMs: number;
  intervalMs: number;
  dimension: LatencyDimension | null;
  series: LatencySeries[];
  /** Groups past the limit and their request count. */
  leftOut: LeftOut | null;
  /** Percentiles merged from rollup sketches (≤ 2 % relative error) rather than exact. */
  approximate: boolean;
  source: 'spans' | 'rollup';
}

function stats(r: MetricRow): LatencyStats {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return { requests: Number(r.requests ?? 0), p50: n(r.p50_latency_ms), p90: n(r.p90_latency_ms), p95: n(r.p95_latency_ms), p99: n(r.p99_latency_ms) };
}

/** Only the page's filter dimensions, non-empty string lists (an empty list is no filter). */
export function checkLatencyFilters(f: LatencyFilters | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [d, values] of Object.entries(f ?? {})) {
    if (!(LATENCY_FILTER_DIMENSIONS as readonly string[]).includes(d)) {
      throw new QueryError(`filter[${d}]`, `the latency page filters by ${LATENCY_FILTER_DIMENSIONS.join(', ')}, not \`${d}\``);
    }
    if (values === undefined || values.length === 0) continue;
    out[d] = [...new Set(values)].sort();
  }
  return out;
}

export async function latencyPercentiles(store: Store, q: LatencyPercentilesQuery): Promise<LatencyPercentiles> {
  const { from, to } = parseRange(q.from, q.to);
  if (q.dimension !== undefined && !(LATENCY_DIMENSIONS as readonly string[]).includes(q.dimension)) {
    throw new QueryError('dimension', `dimension must be one of ${LATENCY_DIMENSIONS.join(', ')}`);
  }
  const filters = checkLatencyFilters(q.filters);
  const groupBy = q.dimension ? [q.dimension] : [];
  // One coverage lookup for every statement (same window, every dimension a rollup key);
  // queryMetrics still applies each plan's own eligibility. No rootless check: with the rollup
  // only the window's edges are read raw (the request join over an hour costs less than the
  // check's scan of the whole window); without it (a short window) the check pays off.
  const used = [...groupBy, ...Object.keys(filters)];
  const coverage = used.every((d) => DIMENSION_BY_NAME.get(d)?.rollup) ? await rollupCoverage(store, q.projectId, from, to, used) : null;
  const rootless = coverage && coverage.builds.length > 0 ? undefined : await hasRootlessTraces(store, q.projectId, from, to);
  const base = { projectId: q.projectId, from, to, measures: MEASURES, filters, groupBy, orderBy: 'requests' as const, limit: q.limit ?? 8 };
  // The window's numbers per series, ranked by requests (the limit's cut and leftOut come from
  // here), then every bucket of exactly those series: the compiler's `series` option, so the
  // ranking is not read twice (queryMetrics' grouped series would rank again).
  const whole = await queryMetrics(store, base, { coverage, rootless });
  const plan = planMetricsQuery({ ...base, intervalMs: q.intervalMs });
  const cov = await coverageFor(store, q.projectId, plan, plan.groupBy, coverage);
  const keys = whole.rows.map((r) => groupBy.map((d) => String(r[d] ?? '')));
  const raw = groupBy.length > 0 && keys.length === 0 ? [] : await store.query<Record<string, unknown>>(compile(q.projectId, plan, { coverage: cov, rootless, series: groupBy.length ? keys : undefined }));
  if (Math.max(keys.length, 1) * Math.ceil((to.getTime() - from.getTime()) / q.intervalMs) > MAX_FILLED_POINTS) {
    throw new QueryError('interval', `too many points (${keys.length} series); widen the interval`);
  }
  const overTime = {
    rows: fillGaps(raw.map((r) => decodeRow(r, plan, groupBy, false)), { from, to, intervalMs: q.intervalMs, groupBy, measures: plan.measures }),
    measures: measureInfos(plan, cov),
    source: cov ? 'rollup' : 'spans',
  };
  const series = new Map<string, LatencySeries>();
  for (const r of whole.rows) {
    const key = q.dimension ? String(r[q.dimension] ?? '') : '';
    series.set(key, { key, window: stats(r), points: [] });
  }
  for (const r of overTime.rows) {
    const key = q.dimension ? String(r[q.dimension] ?? '') : '';
    const s = series.get(key);
    if (s) s.points.push({ t: Date.parse(String(r.time)), ...stats(r) });
  }
  return {
    fromMs: from.getTime(),
    toMs: to.getTime(),
    intervalMs: q.intervalMs,
    dimension: q.dimension ?? null,
    series: [...series.values()],
    leftOut: whole.leftOut,
    approximate: whole.measures.some((m) => m.approximate) || overTime.measures.some((m) => m.approximate),
    source: whole.source === 'rollup' || overTime.source === 'rollup' ? 'rollup' : 'spans',
  };
}
