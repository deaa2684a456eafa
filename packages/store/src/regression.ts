/**
 * p95 regression analysis (methods.md D3) over request stage rows (stages.ts), in four
 * statements whatever the data size, each reading only the two windows:
 *  1. duration histogram per window (log bins of 0.5 %): the p95s, the slow threshold T (the
 *     baseline's p95) and the bootstrap CI (@plumb/analytics, from the histograms);
 *  2. requests and slow requests (> T) per window and dimension value (one ARRAY JOIN pass);
 *  3. stage sums per window, for all requests and for those ≥ the window's own p95;
 *  4. exemplars: the slowest comparison requests of the worst segment.
 */
import {
  attributeSlowRate, bootstrapQuantileChange, worstSegment, STAGES,
  type HistogramBin, type SegmentCounts, type SlowRateAttribution, type Stage, type QuantileChange,
} from '@plumb/analytics';
import { ident, join, param, sql, unsafeRaw, type SqlFragment } from './sql.ts';
import type { Store } from './store.ts';
import { STAGE_DIMENSIONS, STAGE_ROW_SELECT, toRequestStageRow, type RequestStageRow, type StageDimension } from './stages.ts';

export interface Window {
  fromMs: number;
  toMs: number;
}

export type StageFilters = Partial<Record<StageDimension, string[]>>;

export interface StageTotals {
  requests: number;
  /** Mean critical-path ms per request, per stage. */
  meanMs: Record<Stage, number>;
  /** Share of the critical-path time, per stage (adds up to 1 when there are requests). */
  share: Record<Stage, number>;
}

export interface WindowStages {
  p95Ms: number;
  all: StageTotals;
  /** Requests at or above the window's p95. */
  slow: StageTotals;
}

export interface RegressionResult {
  baseline: Window;
  comparison: Window;
  p95: QuantileChange;
  /** The slow threshold: the baseline's p95 (ms). */
  thresholdMs: number;
  attribution: SlowRateAttribution;
  stages: { baseline: WindowStages; comparison: WindowStages };
  worst: { dimension: string; value: string; within: number } | null;
  exemplars: RequestStageRow[];
}

/** Values kept per dimension; the rest of a dimension is summed into `(other)` so it still adds up. */
const TOP_VALUES = 25;
export const OTHER_SEGMENT = '(other)';
const EXEMPLARS = 10;
/**
 * Where the worst segment is looked for: the segments issue 10 names (model, model version,
 * tenant, request type, agent, route). Provider, service, service version and environment are
 * coarser (a provider contains its models) and stay in the attribution only.
 */
export const WORST_SEGMENT_DIMENSIONS: readonly StageDimension[] = ['model', 'response_model', 'tenant', 'request_type', 'agent', 'route'];

const dt = (ms: number) => new Date(ms);

export function stageFilterSql(filters: StageFilters | undefined): SqlFragment {
  const parts: SqlFragment[] = [];
  for (const d of STAGE_DIMENSIONS) {
    const values = filters?.[d];
    if (values && values.length > 0) parts.push(sql`${ident(d)} IN ${values}`);
  }
  return parts.length === 0 ? sql`1` : join(parts, ' AND ');
}

function windowSql(w: Window): SqlFragment {
  return sql`(start_time >= ${dt(w.fromMs)} AND start_time < ${dt(w.toMs)})`;
}

function bothWindows(projectId: string, b: Window, c: Window, filters: StageFilters | undefined): SqlFragment {
  return sql`project_id = ${projectId} AND (${windowSql(b)} OR ${windowSql(c)}) AND ${stageFilterSql(filters)}`;
}

function stageTotals(r: Record<string, unknown>, prefix: string): StageTotals {
  const requests = Number(r[`${prefix}n`]);
  const total = Number(r[`${prefix}total`]);
  const meanMs = {} as Record<Stage, number>;
  const share = {} as Record<Stage, number>;
  for (const s of STAGES) {
    const v = Number(r[`${prefix}${s}`]);
    meanMs[s] = requests > 0 ? v / requests : 0;
    share[s] = total > 0 ? v / total : 0;
  }
  return { requests, meanMs, share };
}

/** Keeps the top values of each dimension (by requests in both windows) and sums the rest. */
function capValues(rows: SegmentCounts[]): SegmentCounts[] {
  const byDim = new Map<string, SegmentCounts[]>();
  for (const r of rows) byDim.set(r.dimension, [...(byDim.get(r.dimension) ?? []), r]);
  const out: SegmentCounts[] = [];
  for (const [dimension, list] of byDim) {
    list.sort((a, b) => b.comparisonRequests + b.baselineRequests - (a.comparisonRequests + a.baselineRequests) || (a.value < b.value ? -1 : 1));
    out.push(...list.slice(0, TOP_VALUES));
    const rest = list.slice(TOP_VALUES);
    if (rest.length > 0) {
      const other: SegmentCounts = { dimension, value: OTHER_SEGMENT, baselineRequests: 0, baselineSlow: 0, comparisonRequests: 0, comparisonSlow: 0 };
      for (const r of rest) {
        other.baselineRequests += r.baselineRequests;
        other.baselineSlow += r.baselineSlow;
        other.comparisonRequests += r.comparisonRequests;
        other.comparisonSlow += r.comparisonSlow;
      }
      out.push(other);
    }
  }
  return out;
}

export async function latencyRegression(
  store: Store,
  projectId: string,
  opts: { baseline: Window; comparison: Window; dimensions?: readonly StageDimension[]; filters?: StageFilters; seed?: number },
): Promise<RegressionResult> {
  const { baseline: b, comparison: c } = opts;
  const where = bothWindows(projectId, b, c, opts.filters);
  const inComparison = windowSql(c);

  // 1. Histograms (0.5 % log bins; durations under 1 µs share the first bin).
  const hist = await store.query<{ w: number; v: number; n: string }>(sql`
    SELECT toUInt8(${inComparison}) AS w, round(exp(round(log(greatest(duration_ms, 0.001)) * 200) / 200), 3) AS v, count() AS n
    FROM request_stages FINAL WHERE ${where} GROUP BY w, v`);
  const hb: HistogramBin[] = [];
  const hc: HistogramBin[] = [];
  for (const r of hist) (r.w === 1 ? hc : hb).push({ value: r.v, count: Number(r.n) });
  const p95 = bootstrapQuantileChange(hb, hc, { seed: opts.seed });
  const threshold = Number.isFinite(p95.baseline) ? p95.baseline : Infinity;
  const cmpP95 = Number.isFinite(p95.comparison) ? p95.comparison : Infinity;
  // An empty window has no p95: nothing is slow against it (+inf; the client refuses 1e300 as an unsafe integer).
  const asFloat = (v: number) => param(Number.isFinite(v) ? v : 'inf', 'Float64');
  const t = asFloat(threshold);
  const tc = asFloat(cmpP95);

  // 2. Segment counts per dimension value.
  const dims = opts.dimensions ?? STAGE_DIMENSIONS;
  const pairs = unsafeRaw(`[${dims.map((d) => `('${d}', toString(${d}))`).join(', ')}]`);
  const seg = await store.query<{ d: string; v: string; br: string; bs: string; cr: string; cs: string }>(sql`
    SELECT kv.1 AS d, kv.2 AS v, countIf(w = 0) AS br, countIf(w = 0 AND slow) AS bs, countIf(w = 1) AS cr, countIf(w = 1 AND slow) AS cs
    FROM (SELECT toUInt8(${inComparison}) AS w, duration_ms > ${t} AS slow, ${pairs} AS kvs FROM request_stages FINAL WHERE ${where})
    ARRAY JOIN kvs AS kv
    GROUP BY d, v`);
  const counts = capValues(
    seg.map((r) => ({ dimension: r.d, value: r.v, baselineRequests: Number(r.br), baselineSlow: Number(r.bs), comparisonRequests: Number(r.cr), comparisonSlow: Number(r.cs) })),
  );
  const totals = { baselineRequests: p95.baselineCount, baselineSlow: 0, comparisonRequests: p95.comparisonCount, comparisonSlow: 0 };
  const firstDim = counts.filter((r) => r.dimension === dims[0]);
  for (const r of firstDim) {
    totals.baselineSlow += r.baselineSlow;
    totals.comparisonSlow += r.comparisonSlow;
  }
  const attribution = attributeSlowRate(counts, totals);

  // 3. Stage sums, all requests and those at or above the window's own p95.
  const sums = (prefix: string, cond: SqlFragment) =>
    join([
      sql`countIf(${cond}) AS ${ident(`${prefix}n`)}`,
      sql`sumIf(duration_ms, ${cond}) AS ${ident(`${prefix}total`)}`,
      ...STAGES.map((s) => sql`sumIf(${ident(`${s}_ms`)}, ${cond}) AS ${ident(`${prefix}${s}`)}`),
    ]);
  const isCmp = sql`start_time >= ${dt(c.fromMs)} AND start_time < ${dt(c.toMs)}`;
  const [st] = await store.query<Record<string, unknown>>(sql`
    SELECT ${sums('b_', sql`NOT (${isCmp})`)}, ${sums('bs_', sql`NOT (${isCmp}) AND duration_ms >= ${t}`)},
      ${sums('c_', isCmp)}, ${sums('cs_', sql`${isCmp} AND duration_ms >= ${tc}`)}
    FROM request_stages FINAL WHERE ${where}`);
  const row = st ?? {};
  const stages = {
    baseline: { p95Ms: p95.baseline, all: stageTotals(row, 'b_'), slow: stageTotals(row, 'bs_') },
    comparison: { p95Ms: p95.comparison, all: stageTotals(row, 'c_'), slow: stageTotals(row, 'cs_') },
  };

  // 4. Exemplars of the worst segment (the slowest comparison requests in it).
  const worst = worstSegment(attribution, WORST_SEGMENT_DIMENSIONS);
  let exemplars: RequestStageRow[] = [];
  if (worst && worst.value !== OTHER_SEGMENT && (STAGE_DIMENSIONS as readonly string[]).includes(worst.dimension)) {
    const rows = await store.query<Record<string, unknown>>(sql`SELECT ${STAGE_ROW_SELECT}
      FROM request_stages FINAL
      WHERE project_id = ${projectId} AND ${windowSql(c)} AND ${stageFilterSql(opts.filters)} AND ${ident(worst.dimension)} = ${worst.value}
      ORDER BY duration_ms DESC, trace_id LIMIT ${EXEMPLARS}`);
    exemplars = rows.map((r) => toRequestStageRow(r as Parameters<typeof toRequestStageRow>[0]));
  }
  return { baseline: b, comparison: c, p95, thresholdMs: threshold, attribution, stages, worst, exemplars };
}

export interface DeployMarker {
  dimension: 'service_version' | 'response_model';
  value: string;
  /** First request served by it (epoch ms). */
  firstSeenMs: number;
  requests: number;
}

/**
 * Deploy markers: service versions and served model versions whose first request falls in
 * [fromMs, toMs), with at least one request before them in the look-back (so a store's very
 * first data is not a deploy). Newest first.
 */
export async function deployMarkers(store: Store, projectId: string, fromMs: number, toMs: number, lookbackMs = 7 * 86_400_000): Promise<DeployMarker[]> {
  const since = dt(fromMs - lookbackMs);
  const rows = await store.query<{ d: DeployMarker['dimension']; v: string; first: string; n: string }>(sql`
    SELECT kv.1 AS d, kv.2 AS v, toUnixTimestamp64Milli(min(start_time)) AS first, count() AS n
    FROM (SELECT start_time, [('service_version', toString(service_version)), ('response_model', toString(response_model))] AS kvs
          FROM request_stages FINAL WHERE project_id = ${projectId} AND start_time >= ${since} AND start_time < ${dt(toMs)})
    ARRAY JOIN kvs AS kv
    WHERE kv.2 != ''
    GROUP BY d, v
    HAVING min(start_time) >= ${dt(fromMs)}
      AND min(start_time) > (SELECT min(start_time) FROM request_stages WHERE project_id = ${projectId} AND start_time >= ${since}) + INTERVAL 1 HOUR
    ORDER BY first DESC LIMIT 20`);
  return rows.map((r) => ({ dimension: r.d, value: r.v, firstSeenMs: Number(r.first), requests: Number(r.n) }));
}

export interface StageSegment {
  value: string;
  requests: number;
  slowRequests: number;
  p95Ms: number;
  all: StageTotals;
  slow: StageTotals;
}

/**
 * Stage breakdown aggregated per segment over [fromMs, toMs): each stage's share of the
 * critical-path time of all requests and of those at or above the window's p95 (one threshold
 * for the window, so segments compare on the same bar). Top `limit` segments by requests.
 */
export async function stageBreakdown(
  store: Store,
  projectId: string,
  opts: { window: Window; groupBy?: StageDimension; filters?: StageFilters; limit?: number },
): Promise<{ p95Ms: number; total: StageSegment; segments: StageSegment[] }> {
  const where = sql`project_id = ${projectId} AND ${windowSql(opts.window)} AND ${stageFilterSql(opts.filters)}`;
  const sums = (prefix: string, cond: SqlFragment) =>
    join([
      sql`countIf(${cond}) AS ${ident(`${prefix}n`)}`,
      sql`sumIf(duration_ms, ${cond}) AS ${ident(`${prefix}total`)}`,
      ...STAGES.map((s) => sql`sumIf(${ident(`${s}_ms`)}, ${cond}) AS ${ident(`${prefix}${s}`)}`),
    ]);
  const key = opts.groupBy ? sql`toString(${ident(opts.groupBy)})` : sql`''`;
  const rows = await store.query<Record<string, unknown>>(sql`
    WITH (SELECT quantileExact(0.95)(duration_ms) FROM request_stages FINAL WHERE ${where}) AS p95
    SELECT ${key} AS value, quantileExact(0.95)(duration_ms) AS seg_p95, p95, ${sums('a_', sql`1`)}, ${sums('s_', sql`duration_ms >= p95`)}
    FROM request_stages FINAL WHERE ${where}
    GROUP BY value ORDER BY a_n DESC, value LIMIT ${opts.limit ?? 20}`);
  const toSeg = (r: Record<string, unknown>): StageSegment => ({
    value: String(r.value ?? ''),
    requests: Number(r.a_n),
    slowRequests: Number(r.s_n),
    p95Ms: Number(r.seg_p95),
    all: stageTotals(r, 'a_'),
    slow: stageTotals(r, 's_'),
  });
  const segments = rows.map(toSeg);
  // The window total: one more pass when grouped (the ungrouped query is the total).
  const [tot] = opts.groupBy
    ? await store.query<Record<string, unknown>>(sql`
        WITH (SELECT quantileExact(0.95)(duration_ms) FROM request_stages FINAL WHERE ${where}) AS p95
        SELECT '' AS value, quantileExact(0.95)(duration_ms) AS seg_p95, p95, ${sums('a_', sql`1`)}, ${sums('s_', sql`duration_ms >= p95`)}
        FROM request_stages FINAL WHERE ${where}`)
    : rows;
  const total = tot ? toSeg(tot) : toSeg({ a_n: 0, s_n: 0, seg_p95: NaN });
  return { p95Ms: tot ? Number(tot.p95) : NaN, total, segments };
}
