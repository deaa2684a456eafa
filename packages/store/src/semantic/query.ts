import { ident, join, sql, unsafeRaw, type SqlFragment } from '../sql.ts';
import type { Store } from '../store.ts';
import { DIMENSION_BY_NAME, DIMENSIONS, MEASURE_BY_NAME, MEASURES, subjectPredicate, type MeasureDef, type Unit } from './catalog.ts';
import { parseRange, QueryError, type TimeInput } from './errors.ts';
import { fillGaps } from './fill.ts';

export interface MetricsQuery {
  projectId: string;
  measures: readonly string[];
  groupBy?: readonly string[];
  from: TimeInput;
  to: TimeInput;
  /** Bucket width; omit for one row per group. Must be ≥ 1000 and a whole number of seconds. */
  intervalMs?: number;
  filters?: Readonly<Record<string, readonly string[]>>;
  /** Rows returned (after ordering); default 1000, max 10000. */
  limit?: number;
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
}

/** `time` (ISO, bucket start) when intervalMs is set; one key per groupBy dimension; one per measure. */
export type MetricRow = { time?: string } & Record<string, string | number | null>;

export interface MetricsResult {
  measures: MeasureInfo[];
  rows: MetricRow[];
}

export const MAX_BUCKETS = 10_000;
const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 10_000;

function known(names: readonly string[]): string {
  return names.join(', ');
}

interface Plan {
  measures: MeasureDef[];
  groupBy: string[];
  from: Date;
  to: Date;
  intervalMs?: number;
  filters: [string, string[]][];
  limit: number;
  orderBy: MeasureDef;
  order: 'asc' | 'desc';
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
  return { measures, groupBy, from, to, intervalMs, filters, limit, orderBy, order: q.order === 'asc' ? 'asc' : 'desc' };
}

/** Compiles a validated plan into one aggregate query over `spans FINAL`. */
export function compileMetricsQuery(projectId: string, p: Plan): SqlFragment {
  const used = [...p.groupBy, ...p.filters.map(([d]) => d)];
  const subject = subjectPredicate(used);
  const dimExpr = (d: string) => unsafeRaw(DIMENSION_BY_NAME.get(d)!.expr);

  const where: SqlFragment[] = [
    sql`project_id = ${projectId}`,
    sql`start_time >= ${p.from}`,
    sql`start_time < ${p.to}`,
  ];
  for (const [d, values] of p.filters) where.push(sql`${dimExpr(d)} IN ${values}`);
  // A grouped subject dimension means "spans of that kind": drop the spans without it.
  for (const d of p.groupBy) if (DIMENSION_BY_NAME.get(d)!.kind === 'subject') where.push(sql`${dimExpr(d)} != ''`);
  // Only subject measures asked for: the aggregation can skip every other span.
  if (p.measures.every((m) => m.spanSet === 'subject')) where.push(sql`(${unsafeRaw(subject)})`);

  const select: SqlFragment[] = [];
  const keys: SqlFragment[] = [];
  if (p.intervalMs !== undefined) {
    select.push(sql`intDiv(toUnixTimestamp64Milli(start_time), ${p.intervalMs}) * ${p.intervalMs} AS __bucket`);
    keys.push(sql`__bucket`);
  }
  for (const d of p.groupBy) {
    select.push(sql`${dimExpr(d)} AS ${ident('d_' + d)}`);
    keys.push(sql`${ident('d_' + d)}`);
  }
  for (const m of p.measures) {
    const expr = unsafeRaw(m.expr.replaceAll('$S', `(${subject})`));
    // Money leaves ClickHouse as exact decimal text; the edge decides number or string.
    select.push(sql`${expr} AS ${ident('m_' + m.name)}`);
    if (m.unit === 'usd') select.push(sql`toString(${ident('m_' + m.name)}) AS ${ident('s_' + m.name)}`);
  }
  // Aliases are prefixed (d_, m_, s_) so none shadows a column its own expression reads.
  const orderCol = sql`${ident('m_' + p.orderBy.name)}`;
  const order: SqlFragment[] = [];
  if (p.intervalMs !== undefined) order.push(sql`__bucket ASC`);
  order.push(p.order === 'asc' ? sql`${orderCol} ASC` : sql`${orderCol} DESC`);
  for (const d of p.groupBy) order.push(sql`${ident('d_' + d)} ASC`);

  return sql`SELECT ${join(select)}
    FROM spans FINAL
    WHERE ${join(where, ' AND ')}
    ${keys.length ? sql`GROUP BY ${join(keys)}` : sql``}
    ORDER BY ${join(order)}
    LIMIT ${p.limit}`;
}

/** Runs a semantic-layer query. Throws QueryError for invalid input. */
export async function queryMetrics(store: Store, q: MetricsQuery): Promise<MetricsResult> {
  const plan = planMetricsQuery(q);
  const raw = await store.query<Record<string, unknown>>(compileMetricsQuery(q.projectId, plan));
  let rows: MetricRow[] = raw.map((r) => {
    const row: MetricRow = {};
    if (plan.intervalMs !== undefined) row.time = new Date(Number(r.__bucket)).toISOString();
    for (const d of plan.groupBy) row[d] = String(r[`d_${d}`] ?? '');
    for (const m of plan.measures) row[m.name] = toValue(r[m.unit === 'usd' ? `s_${m.name}` : `m_${m.name}`], m, q.exactMoney === true);
    return row;
  });
  if (plan.intervalMs !== undefined && q.fill !== false) {
    rows = fillGaps(rows, { from: plan.from, to: plan.to, intervalMs: plan.intervalMs, groupBy: plan.groupBy, measures: plan.measures });
  }
  return { measures: plan.measures.map(({ name, label, unit }) => ({ name, label, unit })), rows };
}

function toValue(v: unknown, m: MeasureDef, exactMoney: boolean): string | number | null {
  if (v === null || v === undefined) return m.additive ? 0 : null;
  if (m.unit === 'usd') return exactMoney ? String(v) : Number(v);
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}
