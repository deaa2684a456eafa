import { ident, join, sql, unsafeRaw, type SqlFragment } from '../sql.ts';
import type { Store } from '../store.ts';
import { dimAlias, filterConditions, measureAlias, REST_GROUPS, restAlias, type Plan } from './compile.ts';
import { decodeRow } from './decode.ts';
import { QueryError } from './errors.ts';
import { fillViewSeries, MAX_FILLED_POINTS } from './fill.ts';
import { LABEL_PREDICTION_ATTRIBUTE, QUALITY_MEASURE_SQL, QUALITY_VIEW_DIMENSIONS, qualityViewOf, type QualityView } from './quality-catalog.ts';
import { leftOutOf, type MetricRow, type MetricsResult } from './query.ts';
import type { ViewDef } from './views.ts';

/** The quality views (measures and dimensions: quality-catalog.ts). */
export const QUALITY_VIEWS: Readonly<Record<QualityView, ViewDef>> = {
  scores: {
    name: 'scores', source: { table: 'scores', final: true }, timeColumn: 'subject_start', grain: 'row', measureSql: 'expr',
    dimensions: new Set(QUALITY_VIEW_DIMENSIONS.scores.keys()), joins: [],
  },
  labels: {
    name: 'labels', source: { table: 'labels', final: true }, timeColumn: 'start_time', grain: 'row', measureSql: 'expr',
    dimensions: new Set(QUALITY_VIEW_DIMENSIONS.labels.keys()),
    joins: [`spans FINAL: the labelled prediction (the labelled span, or the trace's spans carrying ${LABEL_PREDICTION_ATTRIBUTE})`],
  },
  drift: {
    name: 'drift', source: { table: 'drift_results', final: true }, timeColumn: 'current_to', grain: 'row', measureSql: 'expr',
    dimensions: new Set(QUALITY_VIEW_DIMENSIONS.drift.keys()), joins: ['drift_monitors FINAL: live (not deleted) monitors only'],
  },
};

/** The rows of a view for [from, to) of a project: one subquery with the view's columns. */
function source(view: QualityView, projectId: string, from: Date, to: Date): SqlFragment {
  if (view === 'scores') {
    return sql`SELECT * FROM scores FINAL WHERE project_id = ${projectId} AND subject_start >= ${from} AND subject_start < ${to}`;
  }
  if (view === 'drift') {
    return sql`SELECT * FROM drift_results FINAL WHERE project_id = ${projectId} AND current_to >= ${from} AND current_to < ${to}
      AND monitor_id IN (SELECT id FROM drift_monitors FINAL WHERE project_id = ${projectId} AND NOT deleted)`;
  }
  // A label joins the prediction it labels; its time and dimensions are the prediction span's.
  // A label's subject_start is its span's start, or its trace's first span: at most the
  // prediction's start, and within a day of it for any trace shorter than a day.
  return sql`SELECT s.start_time AS start_time, l.name AS label_name, l.value AS actual, s.predicted AS predicted,
      s.response_model AS response_model, s.service AS service, s.service_version AS service_version, s.request_type AS request_type, s.tenant AS tenant
    FROM (SELECT trace_id, span_id, name, value FROM labels FINAL WHERE project_id = ${projectId} AND subject_start >= ${new Date(from.getTime() - 86_400_000)} AND subject_start < ${to}) AS l
    INNER JOIN (SELECT trace_id, span_id, start_time, attributes[${LABEL_PREDICTION_ATTRIBUTE}] AS predicted, toString(response_model) AS response_model,
                       toString(service) AS service, toString(service_version) AS service_version, toString(request_type) AS request_type, toString(tenant) AS tenant
                FROM spans FINAL WHERE project_id = ${projectId} AND start_time >= ${from} AND start_time < ${to} AND attributes[${LABEL_PREDICTION_ATTRIBUTE}] != '') AS s
      ON l.trace_id = s.trace_id
    WHERE l.span_id = '' OR l.span_id = s.span_id`;
}

/** What a limit leaves out, per ranked row (as compile.ts): groups after it, additive totals after it. */
function leftOutColumns(p: Plan, order: SqlFragment): SqlFragment[] {
  const out = [sql`count() OVER () - row_number() OVER (ORDER BY ${order}) AS ${ident(REST_GROUPS)}`];
  for (const m of p.measures.filter((x) => x.additive)) {
    const v = sql`${ident(measureAlias(m.name))}`;
    out.push(sql`sum(${v}) OVER () - sum(${v}) OVER (ORDER BY ${order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ${ident(restAlias(m.name))}`);
  }
  return out;
}

/**
 * The quality views' compiler, sibling of compile.ts (same Plan, same filterConditions with the
 * view's expressions, same aliases so decode.ts reads the rows, same ranking, keyset-free
 * leftOut columns): one aggregate over the view's rows of the range.
 */
export function compileQuality(projectId: string, p: Plan): SqlFragment {
  const view = qualityViewOf(p.measures[0]!)!;
  const dims = QUALITY_VIEW_DIMENSIONS[view];
  const time = QUALITY_VIEWS[view].timeColumn;
  const select: SqlFragment[] = [];
  const keys: SqlFragment[] = [];
  if (p.intervalMs !== undefined) {
    select.push(sql`intDiv(toUnixTimestamp64Milli(${unsafeRaw(time)}), ${p.intervalMs}) * ${p.intervalMs} AS __bucket`);
    keys.push(sql`__bucket`);
  }
  for (const d of p.groupBy) {
    select.push(sql`${unsafeRaw(dims.get(d)!.expr)} AS ${ident(dimAlias(d))}`);
    keys.push(sql`${ident(dimAlias(d))}`);
  }
  for (const m of p.measures) select.push(sql`${unsafeRaw(QUALITY_MEASURE_SQL[m.name]!.sql)} AS ${ident(measureAlias(m.name))}`);
  const dir = unsafeRaw(p.order === 'asc' ? 'ASC' : 'DESC');
  const sort = sql`${ident(measureAlias(p.orderBy.name))}`;
  const sortKey = p.orderBy.additive ? sort : sql`if(isFinite(${sort}), ${sort}, ${unsafeRaw(p.order === 'asc' ? 'inf' : '-inf')})`;
  const order: SqlFragment[] = [];
  let limit = sql``;
  if (p.intervalMs !== undefined) {
    order.push(sql`__bucket ASC`, sql`${sortKey} ${dir}`, ...p.groupBy.map((d) => sql`${ident(dimAlias(d))} ASC`));
    limit = sql`LIMIT ${MAX_FILLED_POINTS + 1}`;
  } else if (p.groupBy.length > 0) {
    const keysOrder = join([sql`${sortKey} ${dir}`, ...p.groupBy.map((d) => sql`${ident(dimAlias(d))} ASC`)]);
    select.push(...leftOutColumns(p, keysOrder));
    order.push(keysOrder);
    limit = sql`LIMIT ${p.limit}`;
  }
  const where = filterConditions(p.filters, dims);
  return sql`SELECT ${join(select)}
    FROM (${source(view, projectId, p.from, p.to)})
    ${where.length ? sql`WHERE ${join(where, ' AND ')}` : sql``}
    ${keys.length ? sql`GROUP BY ${join(keys)}` : sql``}
    ${order.length ? sql`ORDER BY ${join(order)}` : sql``}
    ${limit}`;
}

/** Runs a validated plan of quality measures (queryMetrics dispatches here). */
export async function queryQualityPlan(store: Store, projectId: string, plan: Plan, fill: boolean): Promise<MetricsResult> {
  if (plan.after) throw new QueryError('cursor', 'quality measures are not paged by cursor: raise the limit (max 10000)');
  const raw = await store.query<Record<string, unknown>>(compileQuality(projectId, plan));
  if (plan.intervalMs !== undefined && raw.length > MAX_FILLED_POINTS) {
    throw new QueryError('interval', `the series has more than ${MAX_FILLED_POINTS} points; widen the interval or shorten the range`);
  }
  let rows: MetricRow[] = raw.map((r) => decodeRow(r, plan, plan.groupBy, false));
  if (plan.intervalMs !== undefined && fill) rows = fillViewSeries(rows, { from: plan.from, to: plan.to, intervalMs: plan.intervalMs, groupBy: plan.groupBy, measures: plan.measures });
  const ranked = plan.groupBy.length > 0 && plan.intervalMs === undefined ? raw : [];
  return {
    measures: plan.measures.map(({ name, label, unit }) => ({ name, label, unit, approximate: false })),
    rows,
    source: QUALITY_VIEWS[qualityViewOf(plan.measures[0]!)!].source.table as MetricsResult['source'],
    leftOut: leftOutOf(ranked[ranked.length - 1], plan, false),
    nextCursor: null,
  };
}
