import type { Store } from '../store.ts';
import { compile } from './compile.ts';
import { decodeRow } from './decode.ts';
import { QueryError, type TimeInput } from './errors.ts';
import { coverageFor, leftOutOf, measureInfos, planMetricsQuery, type MetricsResult, type MetricsQueryOptions } from './query.ts';

export interface TopByDimensionsQuery {
  projectId: string;
  from: TimeInput;
  to: TimeInput;
  measures: readonly string[];
  /** Each dimension is its own ranking (one GROUPING SET each). */
  dimensions: readonly string[];
  filters?: Readonly<Record<string, readonly string[]>>;
  orderBy?: string;
  limit?: number;
  /** USD measures as exact decimal strings. */
  exactMoney?: boolean;
}

/**
 * Several one-dimension rankings (top models, top tenants, …) in ONE scan: the semantic
 * compiler with its grouped-sets option. Each ranking means exactly what
 * `queryMetrics({ groupBy: [dimension] })` means (same measures, same subject rules, the empty
 * group included), and is cut to `limit` rows in SQL (`LIMIT n BY` the set); `leftOut` says
 * what each cut left out (window totals per set, the same statement).
 */
export async function topByDimensions(store: Store, q: TopByDimensionsQuery, o: MetricsQueryOptions = {}): Promise<Record<string, MetricsResult>> {
  if (q.dimensions.length === 0) throw new QueryError('groupBy', 'at least one dimension is required');
  if (new Set(q.dimensions).size !== q.dimensions.length) throw new QueryError('groupBy', 'a dimension is listed twice');
  // Validates measures, dimensions, filters, range, limit and order like a single query.
  for (const d of q.dimensions) planMetricsQuery({ projectId: q.projectId, from: q.from, to: q.to, measures: q.measures, groupBy: [d], filters: q.filters, orderBy: q.orderBy, limit: q.limit });
  const plan = planMetricsQuery({ projectId: q.projectId, from: q.from, to: q.to, measures: q.measures, filters: q.filters, orderBy: q.orderBy, limit: q.limit });
  if (plan.measures.some((m) => m.view !== undefined)) throw new QueryError('measures', 'grouped sets take span measures only; query GPU and quality measures with groupBy');
  const coverage = await coverageFor(store, q.projectId, plan, q.dimensions, o.coverage);
  const raw = await store.query<Record<string, unknown>>(compile(q.projectId, plan, { sets: q.dimensions, coverage, rootless: o.rootless }));
  const n = q.dimensions.length;
  const out: Record<string, MetricsResult> = {};
  q.dimensions.forEach((d, i) => {
    const id = ((1 << n) - 1) ^ (1 << (n - 1 - i));
    const mine = raw.filter((r) => Number(r.__set) === id);
    const rows = mine.map((r) => decodeRow(r, plan, [d], q.exactMoney === true, i));
    // Not pageable here (one ranking per set); the single query groupBy=[d] pages on.
    out[d] = { measures: measureInfos(plan, coverage), rows, source: coverage ? 'rollup' : 'spans', leftOut: leftOutOf(mine[mine.length - 1], plan, q.exactMoney === true), nextCursor: null };
  });
  return out;
}
