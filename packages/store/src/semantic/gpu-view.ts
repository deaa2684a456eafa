import { ident, join, sql, unsafeRaw, type SqlFragment } from '../sql.ts';
import type { Store } from '../store.ts';
import { filterConditions, dimAlias, measureAlias, type Plan } from './compile.ts';
import { decodeRow } from './decode.ts';
import { QueryError } from './errors.ts';
import { fillViewSeries, MAX_FILLED_POINTS } from './fill.ts';
import { GPU_MEASURE_SQL, GPU_VIEW_DIMENSIONS } from './gpu-catalog.ts';
import { histogramQuantile, increaseSource, LOOKBACK_MS } from './gpu-increase.ts';
import type { ViewDef } from './views.ts';
import type { MetricRow, MetricsResult } from './query.ts';

/** One row per data point (re-deliveries collapsed by FINAL); see gpu-catalog.ts for the measures. */
export const GPU_VIEW: ViewDef = {
  name: 'metric_points',
  source: { table: 'metric_points', final: true },
  timeColumn: 'time',
  grain: 'row',
  measureSql: 'expr',
  dimensions: new Set(GPU_VIEW_DIMENSIONS.keys()),
  joins: [],
};

/**
 * The GPU view's compiler, sibling of compile.ts (same Plan, same filterConditions with this
 * view's expressions, same aliases so decode.ts reads the rows): an inner aggregate per series
 * (GPU: host + uuid + index; model server: host + served model) and bucket, then the group's
 * aggregate across series (gpu-catalog.ts). Rate and quantile measures read the points with
 * their per-series increases (gpu-increase.ts) instead of the table.
 */
export function compileGpu(projectId: string, p: Plan): SqlFragment {
  const defs = p.measures.map((m) => ({ m, s: GPU_MEASURE_SQL[m.name]! }));
  const canonicals = [...new Set(defs.flatMap(({ s }) => s.canonicals))];
  const dimExpr = (d: string) => unsafeRaw(GPU_VIEW_DIMENSIONS.get(d)!.expr);
  const inner: SqlFragment[] = [];
  const innerKeys: SqlFragment[] = [];
  const outer: SqlFragment[] = [];
  const outerKeys: SqlFragment[] = [];
  if (p.intervalMs !== undefined) {
    inner.push(sql`intDiv(toUnixTimestamp64Milli(time), ${p.intervalMs}) * ${p.intervalMs} AS __bucket`);
    innerKeys.push(sql`__bucket`);
    outer.push(sql`__bucket`);
    outerKeys.push(sql`__bucket`);
  }
  for (const d of p.groupBy) {
    inner.push(sql`${dimExpr(d)} AS ${ident(dimAlias(d))}`);
    innerKeys.push(sql`${ident(dimAlias(d))}`);
    outer.push(sql`${ident(dimAlias(d))}`);
    outerKeys.push(sql`${ident(dimAlias(d))}`);
  }
  // The series identity: a GPU, or a model server's series (no GPU labels).
  inner.push(sql`host AS __host, gpu_uuid AS __uuid, gpu_index AS __index, model_name AS __model`);
  innerKeys.push(sql`__host, __uuid, __index, __model`);
  const seconds = (p.intervalMs ?? p.to.getTime() - p.from.getTime()) / 1000;
  for (const { m, s } of defs) {
    const perSeries = ident(`__${m.name}`);
    inner.push(sql`${unsafeRaw(s.perSeries)} AS ${perSeries}`);
    const alias = ident(measureAlias(m.name));
    if (s.kind === 'rate') {
      outer.push(sql`sum(${perSeries}) / ${seconds} AS ${alias}`);
    } else if (s.kind === 'quantile') {
      // Bucket counts add up across series only when their bounds agree (a layout change is a
      // different histogram): a group mixing layouts is NULL rather than a wrong percentile.
      const bounds = `__b_${m.name}`;
      const counts = `__c_${m.name}`;
      inner.push(sql`anyIf(bounds, canonical IN ${s.canonicals}) AS ${ident(bounds)}`);
      outer.push(sql`sumForEach(${perSeries}) AS ${ident(counts)}`);
      outer.push(sql`argMax(${ident(bounds)}, length(${ident(bounds)})) AS ${ident(`${bounds}_m`)}`);
      outer.push(sql`if(uniqExactIf(${ident(bounds)}, length(${ident(bounds)}) > 0) > 1, NULL,
        ${unsafeRaw(histogramQuantile(counts, `${bounds}_m`, s.quantile!, s.scale ?? 1))}) AS ${alias}`);
    } else {
      outer.push(sql`${unsafeRaw(s.across)}(${perSeries}) AS ${alias}`);
    }
  }
  // Rows before the LIMIT: a cut result says how many groups it left out (never silently).
  outer.push(sql`count() OVER () AS __rows`);
  const windowed = defs.some(({ s }) => s.kind === 'rate' || s.kind === 'quantile');
  const lower = windowed ? new Date(p.from.getTime() - LOOKBACK_MS) : p.from;
  const where = [sql`project_id = ${projectId}`, sql`time >= ${lower}`, sql`time < ${p.to}`, sql`canonical IN ${canonicals}`, ...filterConditions(p.filters, GPU_VIEW_DIMENSIONS)];
  const source = windowed ? sql`(${increaseSource(where, p.from)}) WHERE time >= ${p.from}` : sql`metric_points FINAL WHERE ${join(where, ' AND ')}`;
  const dir = unsafeRaw(p.order === 'asc' ? 'ASC' : 'DESC');
  const order: SqlFragment[] = [];
  if (p.intervalMs !== undefined) order.push(sql`__bucket ASC`);
  order.push(sql`${ident(measureAlias(p.orderBy.name))} ${dir} NULLS LAST`);
  for (const d of p.groupBy) order.push(sql`${ident(dimAlias(d))} ASC`);
  return sql`SELECT ${join(outer)}
    FROM (
      SELECT ${join(inner)}
      FROM ${source}
      GROUP BY ${join(innerKeys)}
    )
    ${outerKeys.length ? sql`GROUP BY ${join(outerKeys)}` : sql``}
    ORDER BY ${join(order)}
    LIMIT ${p.intervalMs === undefined ? p.limit : MAX_FILLED_POINTS + 1}`;
}

/** Runs a validated plan of GPU measures (queryMetrics dispatches here). */
export async function queryGpuPlan(store: Store, projectId: string, plan: Plan, fill: boolean): Promise<MetricsResult> {
  const raw = await store.query<Record<string, unknown>>(compileGpu(projectId, plan));
  const total = Number(raw[0]?.__rows ?? 0);
  // A time series is never cut: past the gap-fill cap it is refused (the limit counts series of
  // span queries; GPU series are few, so the cap on points is the one that can bite).
  if (plan.intervalMs !== undefined && total > MAX_FILLED_POINTS) {
    throw new QueryError('interval', `the GPU series has ${total} points (max ${MAX_FILLED_POINTS}); widen the interval or shorten the range`);
  }
  let rows: MetricRow[] = raw.map((r) => decodeRow(r, plan, plan.groupBy, false));
  if (plan.intervalMs !== undefined && fill) rows = fillViewSeries(rows, { from: plan.from, to: plan.to, intervalMs: plan.intervalMs, groupBy: plan.groupBy, measures: plan.measures });
  return {
    measures: plan.measures.map(({ name, label, unit }) => ({ name, label, unit, approximate: false })),
    rows,
    source: 'metric_points',
    // GPU groups are not paged (no cursor); a cut says how many groups it left out. GPU measures
    // average or sum per series, so no totals of the rest are claimed.
    leftOut: plan.intervalMs === undefined && total > rows.length ? { groups: total - rows.length, totals: {} } : null,
    nextCursor: null,
  };
}
