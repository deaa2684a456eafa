import type { SqlFragment } from '../sql.ts';
import type { Store } from '../store.ts';
import { DIMENSION_BY_NAME, DIMENSIONS, MEASURE_BY_NAME, MEASURES, type MeasureDef, type Unit } from './catalog.ts';
import { compile, dimAlias, REST_GROUPS, restAlias, SORT_TEXT, type Plan } from './compile.ts';
import { decodeCursor, encodeCursor } from './paging.ts';
import { rollupCoverage, type Coverage } from './coverage.ts';
import { decodeRow } from './decode.ts';
import { parseRange, QueryError, type TimeInput } from './errors.ts';
import { fillGaps, MAX_FILLED_POINTS } from './fill.ts';
import { budgetViewMismatch, isBudgetMeasure, queryBudgetPlan } from './budget-view.ts';
import { viewMismatch } from './gpu-catalog.ts';
import { queryGpuPlan } from './gpu-view.ts';
import { qualityMismatch, qualityViewOf } from './quality-catalog.ts';
import { queryQualityPlan } from './quality-view.ts';
import { queryGpuCostPlan } from './gpu-cost-view.ts';

export interface MetricsQuery {
  projectId: string;
  measures: readonly string[];
  groupBy?: readonly string[];
  from: TimeInput;
  to: TimeInput;
  /** Bucket width; omit for one row per group. Must be ≥ 1000 and a whole number of seconds. */
  intervalMs?: number;
  filters?: Readonly<Record<string, readonly string[]>>;
  /**
   * Groups returned (after ordering), default 1000, max 10000: rows of a grouped query, series of
   * a grouped time series (every bucket of each), ignored without groupBy. A cut result says what
   * it left out (`leftOut`) and pages on with `nextCursor`.
   */
  limit?: number;
  /** `nextCursor` of the previous page of the same query (paging.ts). */
  cursor?: string;
  /** Measure to sort by (default: the first measure), descending unless `order: 'asc'`. */
  orderBy?: string;
  order?: 'asc' | 'desc';
  /** Time series only: emit empty buckets for every series (default true); see fillGaps. */
  fill?: boolean;
  /** USD measures as exact decimal strings (CSV export) instead of JSON numbers. */
  exactMoney?: boolean;
}

export interface MeasureInfo {
  name: string;
  label: string;
  unit: Unit;
  /** The value merges quantile sketches from the hourly rollup (≤ 2 % relative error): mark it "≈". */
  approximate: boolean;
}

/** `time` (ISO, bucket start) when intervalMs is set; one key per groupBy dimension; one per measure. */
export type MetricRow = { time?: string } & Record<string, string | number | null>;

/** What a limit (or page) left out of a grouped result: never dropped silently. */
export interface LeftOut {
  /** Groups (series, for a time series) after the last one returned: later pages. */
  groups: number;
  /**
   * Totals of the additive measures over those groups, computed by the engine (rows + these =
   * the ungrouped total); money as exact text with exactMoney.
   */
  totals: Record<string, number | string>;
}

export interface MetricsResult {
  measures: MeasureInfo[];
  rows: MetricRow[];
  /** Which view answered: raw spans, the hourly rollup (plus raw spans for uncovered ranges), GPU metric points, budgets, or a quality view's table. */
  source: 'spans' | 'rollup' | 'metric_points' | 'budgets' | 'scores' | 'labels' | 'drift_results';
  /** null when `rows` hold every group (from this page on); otherwise what the limit left out. */
  leftOut: LeftOut | null;
  /** Pass as `cursor` (same query otherwise) for the next page of groups; null on the last page. */
  nextCursor: string | null;
}

export const MAX_BUCKETS = 10_000;
const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 10_000;

function known(names: readonly string[]): string {
  return names.join(', ');
}

/** Validates a query; every mistake is a QueryError naming the field. */
export function planMetricsQuery(q: MetricsQuery): Plan {
  if (!Array.isArray(q.measures) || q.measures.length === 0) {
    throw new QueryError('measures', `at least one measure is required; known: ${known(MEASURES.map((m) => m.name))}`);
  }
  const measures = q.measures.map((name) => {
    const m = MEASURE_BY_NAME.get(name);
    if (!m) throw new QueryError('measures', `unknown measure \`${name}\`; known: ${known(MEASURES.map((x) => x.name))}`);
    return m;
  });
  if (new Set(q.measures).size !== q.measures.length) throw new QueryError('measures', 'a measure is listed twice');
  const groupBy = [...(q.groupBy ?? [])];
  for (const d of groupBy) {
    if (!DIMENSION_BY_NAME.has(d)) throw new QueryError('groupBy', `unknown dimension \`${d}\`; known: ${known(DIMENSIONS.map((x) => x.name))}`);
  }
  if (new Set(groupBy).size !== groupBy.length) throw new QueryError('groupBy', 'a dimension is listed twice');
  const filters = Object.entries(q.filters ?? {}).map(([d, values]): [string, string[]] => {
    if (!DIMENSION_BY_NAME.has(d)) throw new QueryError(`filter[${d}]`, `unknown dimension \`${d}\`; known: ${known(DIMENSIONS.map((x) => x.name))}`);
    if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string')) {
      throw new QueryError(`filter[${d}]`, `filter[${d}] needs at least one string value`);
    }
    return [d, [...values]];
  });
  const used = [...groupBy.map((d) => ({ name: d, field: 'groupBy' })), ...filters.map(([d]) => ({ name: d, field: `filter[${d}]` }))];
  const mismatch =
    budgetViewMismatch(measures, used, q.intervalMs) ?? (measures.some(isBudgetMeasure) ? null : (viewMismatch(measures, used) ?? qualityMismatch(measures, used)));
  if (mismatch) throw new QueryError(mismatch.field, mismatch.message);
  const { from, to } = parseRange(q.from, q.to);
  let intervalMs: number | undefined;
  if (q.intervalMs !== undefined) {
    intervalMs = q.intervalMs;
    if (!Number.isInteger(intervalMs) || intervalMs < 1000 || intervalMs % 1000 !== 0) {
      throw new QueryError('interval', 'interval must be a whole number of seconds (≥ 1s)');
    }
    const buckets = Math.ceil((to.getTime() - from.getTime()) / intervalMs);
    if (buckets > MAX_BUCKETS) throw new QueryError('interval', `interval too small: ${buckets} buckets (max ${MAX_BUCKETS}); widen the interval`);
  }
  const limit = q.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new QueryError('limit', `limit must be an integer in 1..${MAX_LIMIT}`);
  const orderName = q.orderBy ?? measures[0]!.name;
  const orderBy = measures.find((m) => m.name === orderName);
  if (!orderBy) throw new QueryError('orderBy', `orderBy must be one of the requested measures (${known(measures.map((m) => m.name))})`);
  const plan: Plan = { measures, groupBy, from, to, intervalMs, filters, limit, orderBy, order: q.order === 'asc' ? 'asc' : 'desc' };
  if (q.cursor !== undefined && q.cursor !== '') {
    if (groupBy.length === 0) throw new QueryError('cursor', 'cursor pages through groups: it needs groupBy');
    plan.after = decodeCursor(plan, q.cursor);
  }
  return plan;
}

/** Compiles a validated plan over raw spans (no rollup); see compile.ts. */
export function compileMetricsQuery(projectId: string, p: Plan): SqlFragment {
  return compile(projectId, p);
}

const HOUR_MS = 3_600_000;

/**
 * The rollup coverage a plan may use, or undefined when it must read raw spans: every grouped
 * or filtered dimension is a rollup key, and buckets (if any) are whole hours. `dimensions`
 * adds grouped-set dimensions.
 */
export async function coverageFor(
  store: Store, projectId: string, p: Plan, dimensions: readonly string[] = p.groupBy, known?: Coverage | null,
): Promise<Coverage | undefined> {
  const used = [...dimensions, ...p.filters.map(([d]) => d)];
  if (!used.every((d) => DIMENSION_BY_NAME.get(d)!.rollup)) return undefined;
  if (p.measures.some((m) => m.rawOnly)) return undefined;
  if (p.intervalMs !== undefined && p.intervalMs % HOUR_MS !== 0) return undefined;
  if (known === null) return undefined;
  const c = known ?? (await rollupCoverage(store, projectId, p.from, p.to, used));
  return c.builds.length > 0 ? c : undefined;
}

export function measureInfos(p: Plan, coverage: Coverage | undefined): MeasureInfo[] {
  return p.measures.map(({ name, label, unit, sketch }) => ({ name, label, unit, approximate: coverage !== undefined && sketch === true }));
}

/** Options for callers that run several queries over one window (the overview). */
export interface MetricsQueryOptions {
  /**
   * Rollup coverage already fetched for this window and a superset of the query's dimensions
   * (rollupCoverage); null forces raw spans. The plan's own eligibility still applies.
   */
  coverage?: Coverage | null;
  /** false when the caller checked that no trace around the window lacks a root (see compile). */
  rootless?: boolean;
}

/** Runs a semantic-layer query. Throws QueryError for invalid input. */
export async function queryMetrics(store: Store, q: MetricsQuery, o: MetricsQueryOptions = {}): Promise<MetricsResult> {
  const plan = planMetricsQuery(q);
  const exact = q.exactMoney === true;
  if (plan.measures[0]!.view === 'gpu') return queryGpuPlan(store, q.projectId, plan, q.fill !== false);
  if (plan.measures[0]!.view === 'gpu_cost') return queryGpuCostPlan(store, q.projectId, plan, exact);
  if (plan.measures[0]!.view === 'budget') return queryBudgetPlan(store, q.projectId, plan, exact);
  if (qualityViewOf(plan.measures[0]!)) return queryQualityPlan(store, q.projectId, plan, q.fill !== false);
  const coverage = await coverageFor(store, q.projectId, plan, plan.groupBy, o.coverage);
  const run = (p: Plan, series?: string[][]) => store.query<Record<string, unknown>>(compile(q.projectId, p, { coverage, rootless: o.rootless, series }));
  const done = (rows: MetricRow[], ranked: Record<string, unknown>[] = []): MetricsResult => {
    const leftOut = leftOutOf(ranked[ranked.length - 1], plan, exact);
    const last = ranked[ranked.length - 1];
    const nextCursor = leftOut && last ? encodeCursor(plan, String(last[SORT_TEXT]), plan.groupBy.map((d) => String(last[dimAlias(d)] ?? ''))) : null;
    return { measures: measureInfos(plan, coverage), rows, source: coverage ? 'rollup' : 'spans', leftOut, nextCursor };
  };
  if (plan.groupBy.length > 0 && plan.intervalMs === undefined) {
    const raw = await run(plan);
    return done(raw.map((r) => decodeRow(r, plan, plan.groupBy, exact)), raw);
  }
  // A grouped time series: rank the series over the whole window first (the same query without
  // buckets: its limit, cursor and what it left out), then read every bucket of those series.
  const ranked = plan.groupBy.length > 0 ? await run({ ...plan, intervalMs: undefined }) : [];
  const keys = ranked.map((r) => plan.groupBy.map((d) => String(r[dimAlias(d)] ?? '')));
  const raw = plan.groupBy.length > 0 && keys.length === 0 ? [] : await run(plan, plan.groupBy.length > 0 ? keys : undefined);
  let rows: MetricRow[] = raw.map((r) => decodeRow(r, plan, plan.groupBy, exact));
  if (plan.intervalMs !== undefined && q.fill !== false) {
    const buckets = Math.ceil((plan.to.getTime() - Math.floor(plan.from.getTime() / plan.intervalMs) * plan.intervalMs) / plan.intervalMs);
    const series = new Set(rows.map((r) => JSON.stringify(plan.groupBy.map((d) => r[d])))).size;
    if (Math.max(series, 1) * buckets > MAX_FILLED_POINTS) {
      throw new QueryError('interval', `gap filling would emit ${series} series × ${buckets} buckets (max ${MAX_FILLED_POINTS} points); widen the interval, shorten the range, lower the limit or pass fill=false`);
    }
    rows = fillGaps(rows, { from: plan.from, to: plan.to, intervalMs: plan.intervalMs, groupBy: plan.groupBy, measures: plan.measures });
  }
  return done(rows, ranked);
}

/** What the limit left out, from the last row of a ranked result (its REST_GROUPS / rest columns). */
export function leftOutOf(last: Record<string, unknown> | undefined, p: Plan, exactMoney: boolean): LeftOut | null {
  const groups = Number(last?.[REST_GROUPS] ?? 0);
  if (!last || !(groups > 0)) return null;
  const totals: Record<string, number | string> = {};
  for (const m of p.measures) {
    if (!m.additive) continue;
    const v = last[restAlias(m.name)];
    totals[m.name] = m.unit === 'usd' && exactMoney ? String(v ?? '0') : Number(v ?? 0);
  }
  return { groups, totals };
}
