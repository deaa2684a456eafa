import type { Store } from '../store.ts';
import { parseRange, QueryError, type TimeInput } from '../semantic/errors.ts';
import { queryMetrics, type LeftOut, type MetricRow, type MetricsQueryOptions } from '../semantic/query.ts';
import { topByDimensions } from '../semantic/sets.ts';
import { rollupCoverage } from '../semantic/coverage.ts';
import { hasRootlessTraces } from '../semantic/views.ts';

export const OVERVIEW_KPIS = [
  'requests', 'errors', 'error_rate', 'p50_latency_ms', 'p95_latency_ms', 'p99_latency_ms', 'ttft_p95_ms',
  'input_tokens', 'output_tokens', 'total_tokens', 'cost_usd', 'llm_calls', 'unpriced_spans',
] as const;
export const OVERVIEW_SERIES = [
  'requests', 'errors', 'p50_latency_ms', 'p95_latency_ms', 'p99_latency_ms', 'input_tokens', 'output_tokens', 'cost_usd', 'unpriced_spans',
] as const;
// unpriced_spans rides along with every cost: an unknown price must never read as $0.
const TOP_MEASURES = ['cost_usd', 'requests', 'total_tokens', 'errors', 'unpriced_spans'] as const;
export const OVERVIEW_TOP_N = 10;

/**
 * The overview's global filters (semantic dimensions; any of the values within one, all of them
 * across). tenant and request_type are trace context (the same on every span of a trace); service
 * and environment are per span, so a filtered request is a root span in that service/environment
 * — the same set as the trace list's root filters.
 */
export const OVERVIEW_FILTER_DIMENSIONS = ['service', 'environment', 'tenant', 'request_type'] as const;
export type OverviewFilters = Partial<Record<(typeof OVERVIEW_FILTER_DIMENSIONS)[number], readonly string[]>>;

/** Only the overview's filter dimensions, non-empty lists of strings; an empty list means no filter. */
function checkFilters(f: OverviewFilters | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [d, values] of Object.entries(f ?? {})) {
    if (!(OVERVIEW_FILTER_DIMENSIONS as readonly string[]).includes(d)) {
      throw new QueryError('filter', `the overview filters by ${OVERVIEW_FILTER_DIMENSIONS.join(', ')}, not \`${d}\``);
    }
    if (values === undefined) continue;
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) throw new QueryError('filter', `filter ${d} must be a list of strings`);
    if (values.length) out[d] = [...new Set(values)].sort();
  }
  return out;
}

export type OverviewKpis = Record<(typeof OVERVIEW_KPIS)[number], number | null>;
/** A top-N row: the dimension value under `key`, then the semantic measures (snake_case names). */
export type OverviewTopRow = { key: string } & Record<(typeof TOP_MEASURES)[number], number | null>;

export interface Overview {
  from: string;
  to: string;
  intervalMs: number;
  kpis: OverviewKpis;
  /** One row per bucket (gaps filled): `time` plus the OVERVIEW_SERIES measures. */
  series: MetricRow[];
  /** Top 10 by cost. For models and agents, `requests` counts model calls / agent runs (see the semantic layer). */
  top: { models: OverviewTopRow[]; tenants: OverviewTopRow[]; agents: OverviewTopRow[]; requestTypes: OverviewTopRow[] };
  /** What each top table leaves out (groups past the top N and their totals); null when it shows every group. */
  topLeftOut: { models: LeftOut | null; tenants: LeftOut | null; agents: LeftOut | null; requestTypes: LeftOut | null };
  /**
   * Measures whose values here merge quantile sketches from the hourly rollup (≤ 2 % relative
   * error): show them as approximate. Sums and counts are always exact.
   */
  approximate: { kpis: string[]; series: string[]; top: string[] };
  /** The filters every number above was computed under (normalized: sorted, no empty lists). */
  filters: Record<string, string[]>;
}

/** Picks a bucket width giving at most ~maxBuckets points, rounded to a friendly step. */
export function autoInterval(fromMs: number, toMs: number, maxBuckets = 120): number {
  const steps = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 7 * 86_400].map((s) => s * 1000);
  const span = Math.max(1, toMs - fromMs);
  return steps.find((s) => span / s <= maxBuckets) ?? steps[steps.length - 1]!;
}

/** Headline numbers for the window (one semantic query). */
export async function overviewKpis(store: Store, projectId: string, fromIn: TimeInput, toIn: TimeInput, o: MetricsQueryOptions = {}): Promise<OverviewKpis> {
  return (await kpisWithInfo(store, projectId, fromIn, toIn, o)).kpis;
}

async function kpisWithInfo(store: Store, projectId: string, fromIn: TimeInput, toIn: TimeInput, o: MetricsQueryOptions, filters?: Record<string, string[]>) {
  const r = await queryMetrics(store, { projectId, from: fromIn, to: toIn, measures: [...OVERVIEW_KPIS], filters }, o);
  const k = {} as OverviewKpis;
  for (const m of OVERVIEW_KPIS) k[m] = (r.rows[0]?.[m] ?? null) as number | null;
  return { kpis: k, approximate: r.measures.filter((m) => m.approximate).map((m) => m.name) };
}

/** Time series of OVERVIEW_SERIES, gaps filled; `stepMs` is the bucket width used. */
export async function overviewSeries(
  store: Store, projectId: string, fromIn: TimeInput, toIn: TimeInput, intervalMs?: number, o: MetricsQueryOptions = {}, filters?: Record<string, string[]>,
): Promise<{ stepMs: number; points: MetricRow[]; approximate: string[] }> {
  const { from, to } = parseRange(fromIn, toIn);
  const stepMs = intervalMs ?? autoInterval(from.getTime(), to.getTime());
  const r = await queryMetrics(store, { projectId, from, to, measures: [...OVERVIEW_SERIES], intervalMs: stepMs, filters }, o);
  return { stepMs, points: r.rows, approximate: r.measures.filter((m) => m.approximate).map((m) => m.name) };
}

/** Top values of a semantic dimension by cost (then requests for ties). */
export async function overviewTop(
  store: Store, projectId: string, fromIn: TimeInput, toIn: TimeInput, dimension: string, limit = OVERVIEW_TOP_N,
): Promise<OverviewTopRow[]> {
  const r = await queryMetrics(store, { projectId, from: fromIn, to: toIn, measures: [...TOP_MEASURES], groupBy: [dimension], orderBy: 'cost_usd', limit });
  return r.rows.map((row) => {
    const out = { key: String(row[dimension]) } as OverviewTopRow;
    for (const m of TOP_MEASURES) out[m] = row[m] as number | null;
    return out;
  });
}

/**
 * The overview page, built only from semantic-layer queries (same numbers as REST and alerts).
 * `filters` narrow every KPI, series point and table row alike (the compiler's one WHERE builder).
 */
export async function overview(
  store: Store, projectId: string, fromIn: TimeInput, toIn: TimeInput, intervalMs?: number, filterIn?: OverviewFilters,
): Promise<Overview> {
  const { from, to } = parseRange(fromIn, toIn);
  const filters = checkFilters(filterIn);
  // Three scans: KPIs, the series, and all four rankings at once (GROUPING SETS), sharing one
  // look-up of which hours the rollup covers (for the most restrictive dimension set).
  const dims = ['model', 'tenant', 'agent', 'request_type'];
  const coverage = await rollupCoverage(store, projectId, from, to, [...dims, ...Object.keys(filters)]);
  // …and one check whether any trace of the window lacks a root (usually none: then the raw
  // parts count requests by root spans without the trace-head join).
  const rootless = await hasRootlessTraces(store, projectId, from, to);
  const o: MetricsQueryOptions = { coverage: coverage.builds.length ? coverage : null, rootless };
  const [k, series, tops] = await Promise.all([
    kpisWithInfo(store, projectId, from, to, o, filters),
    overviewSeries(store, projectId, from, to, intervalMs, o, filters),
    topByDimensions(store, { projectId, from, to, measures: [...TOP_MEASURES], dimensions: dims, filters, orderBy: 'cost_usd', limit: OVERVIEW_TOP_N }, o),
  ]);
  const kpis = k.kpis;
  const top = (d: string): OverviewTopRow[] =>
    (tops[d]?.rows ?? []).map((row) => {
      const out = { key: String(row[d]) } as OverviewTopRow;
      for (const m of TOP_MEASURES) out[m] = row[m] as number | null;
      return out;
    });
  const [models, tenants, agents, requestTypes] = [top('model'), top('tenant'), top('agent'), top('request_type')];
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    intervalMs: series.stepMs,
    kpis,
    series: series.points,
    top: { models, tenants, agents, requestTypes },
    topLeftOut: { models: tops.model?.leftOut ?? null, tenants: tops.tenant?.leftOut ?? null, agents: tops.agent?.leftOut ?? null, requestTypes: tops.request_type?.leftOut ?? null },
    approximate: {
      kpis: k.approximate,
      series: series.approximate,
      top: (tops.model?.measures ?? []).filter((m) => m.approximate).map((m) => m.name),
    },
    filters,
  };
}
