import { ident, join, sql, unsafeRaw, type SqlFragment } from '../sql.ts';
import type { Store } from '../store.ts';
import { DIMENSION_BY_NAME, subjectPredicate } from './catalog.ts';
import { QueryError, type TimeInput } from './errors.ts';
import { planMetricsQuery, type MetricRow, type MetricsResult } from './query.ts';

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
}

/**
 * Several one-dimension rankings (top models, top tenants, …) in ONE scan, with GROUPING SETS.
 * Each ranking means exactly what `queryMetrics({ groupBy: [dimension] })` means: measure
 * expressions come from the catalog with that dimension's subject predicate, and rows with an
 * empty subject dimension are dropped, as the single query's WHERE would. Results per dimension
 * are sorted by `orderBy` (desc, then value) and cut to `limit` here.
 */
export async function topByDimensions(store: Store, q: TopByDimensionsQuery): Promise<Record<string, MetricsResult>> {
  if (q.dimensions.length === 0) throw new QueryError('groupBy', 'at least one dimension is required');
  const plans = q.dimensions.map((d) =>
    planMetricsQuery({ projectId: q.projectId, from: q.from, to: q.to, measures: q.measures, groupBy: [d], filters: q.filters, orderBy: q.orderBy, limit: q.limit }),
  );
  const plan = plans[0]!;
  const used = plan.filters.map(([d]) => d);
  const dimExpr = (d: string) => unsafeRaw(DIMENSION_BY_NAME.get(d)!.expr);
  const where: SqlFragment[] = [sql`project_id = ${q.projectId}`, sql`start_time >= ${plan.from}`, sql`start_time < ${plan.to}`];
  for (const [d, values] of plan.filters) where.push(sql`${dimExpr(d)} IN ${values}`);

  const select: SqlFragment[] = [];
  q.dimensions.forEach((d, i) => select.push(sql`${dimExpr(d)} AS ${ident(`d${i}`)}`));
  select.push(sql`grouping(${join(q.dimensions.map((_, i) => sql`${ident(`d${i}`)}`))}) AS g`);
  q.dimensions.forEach((d, i) => {
    const subject = subjectPredicate([d, ...used]);
    for (const m of plan.measures) {
      const alias = `m${i}_${m.name}`;
      const expr = unsafeRaw(m.expr.replaceAll('$S', `(${subject})`));
      select.push(m.unit === 'usd' ? sql`toString(${expr}) AS ${ident(alias)}` : sql`${expr} AS ${ident(alias)}`);
    }
  });
  const sets = join(q.dimensions.map((_, i) => sql`(${ident(`d${i}`)})`));
  const raw = await store.query<Record<string, unknown>>(sql`SELECT ${join(select)}
    FROM spans FINAL
    WHERE ${join(where, ' AND ')}
    GROUP BY GROUPING SETS (${sets})`);

  const n = q.dimensions.length;
  const out: Record<string, MetricsResult> = {};
  q.dimensions.forEach((d, i) => {
    // grouping() has bit (n-1-i) clear for the set that groups by dimension i.
    const mine = raw.filter((r) => (Number(r.g) & (1 << (n - 1 - i))) === 0);
    const subjectDim = DIMENSION_BY_NAME.get(d)!.kind === 'subject';
    const p = plans[i]!;
    let rows: MetricRow[] = mine
      .filter((r) => !(subjectDim && String(r[`d${i}`] ?? '') === ''))
      .map((r) => {
        const row: MetricRow = { [d]: String(r[`d${i}`] ?? '') };
        for (const m of p.measures) {
          const v = r[`m${i}_${m.name}`];
          row[m.name] = v === null || v === undefined ? (m.additive ? 0 : null) : Number(v);
          if (row[m.name] !== null && !Number.isFinite(row[m.name])) row[m.name] = null;
        }
        return row;
      });
    const key = p.orderBy.name;
    const sign = p.order === 'asc' ? 1 : -1;
    rows.sort((a, b) => sign * ((Number(a[key] ?? -Infinity)) - Number(b[key] ?? -Infinity)) || (String(a[d]) < String(b[d]) ? -1 : String(a[d]) > String(b[d]) ? 1 : 0));
    rows = rows.slice(0, p.limit);
    out[d] = { measures: p.measures.map(({ name, label, unit }) => ({ name, label, unit })), rows };
  });
  return out;
}
