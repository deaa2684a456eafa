import { compile, dimAlias, measureAlias, moneyAlias } from './semantic/compile.ts';
import { coverageFor, planMetricsQuery } from './semantic/query.ts';
import { QueryError } from './semantic/errors.ts';
import { DIMENSION_BY_NAME } from './semantic/catalog.ts';
import { join, param, sql, unsafeRaw, type SqlFragment } from './sql.ts';
import type { Store } from './store.ts';

/**
 * A closed month's figures (issue 9): at close, the export measures per hour and per cost
 * dimension are copied from the semantic layer into `month_close_rows` (migration 0016, no
 * TTL). Exports covering a closed month read those rows instead of spans, so any grouping by
 * these dimensions, any filter on them and any granularity give the numbers as closed — after
 * late spans, repricing and the span TTL — and sum to the close's total exactly.
 */

/** Dimensions kept per hour at close: the ones the cost page and its export group by. */
export const CLOSED_DIMENSIONS = ['tenant', 'request_type', 'provider', 'model', 'agent', 'service', 'environment'] as const;
const CLOSED_MEASURES = ['cost_usd', 'unpriced_spans', 'llm_calls', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'total_tokens'] as const;
const HOUR = 3_600_000;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Copies [from, to) of the live figures into the rows of close `version` (one INSERT … SELECT in the engine). */
export async function freezeMonthRows(store: Store, projectId: string, from: Date, to: Date, version: number): Promise<void> {
  const plan = { ...planMetricsQuery({ projectId, measures: CLOSED_MEASURES, groupBy: CLOSED_DIMENSIONS, from, to, limit: 1 }), intervalMs: HOUR };
  const coverage = await coverageFor(store, projectId, plan);
  const inner = compile(projectId, plan, { coverage });
  const dims = unsafeRaw(CLOSED_DIMENSIONS.join(', '));
  const pick = join([...CLOSED_DIMENSIONS.map((d) => sql`${unsafeRaw(dimAlias(d))}`), ...CLOSED_MEASURES.map((m) => sql`${unsafeRaw(measureAlias(m))}`)]);
  await store.command(sql`
    INSERT INTO month_close_rows (project_id, month, close_version, hour, ${dims}, ${unsafeRaw(CLOSED_MEASURES.join(', '))})
    SELECT ${projectId}, ${param(day(from.getTime()), 'Date')}, ${param(version, 'UInt64')}, toDateTime(intDiv(__bucket, 1000), 'UTC'), ${pick}
    FROM (${inner})
    WHERE ${unsafeRaw(measureAlias('llm_calls'))} > 0 OR ${unsafeRaw(measureAlias('cost_usd'))} != 0 OR ${unsafeRaw(measureAlias('total_tokens'))} > 0`);
  // A row of zeros marks the close as kept per hour (a month without spend has no other row; a
  // close taken before migration 0016 has none at all). Zero rows never reach an export.
  await store.command(sql`
    INSERT INTO month_close_rows (project_id, month, close_version, hour, cost_usd)
    VALUES (${projectId}, ${param(day(from.getTime()), 'Date')}, ${param(version, 'UInt64')}, ${param(Math.floor(from.getTime() / 1000), 'DateTime')}, 0)`);
}

/** A closed month overlapping a range: [from, to) and the close whose rows answer it. */
export interface ClosedMonth {
  from: number;
  to: number;
  closeVersion: number;
}

/** The months of [from, to) that are closed now, oldest first. */
export async function closedMonthsIn(store: Store, projectId: string, from: number, to: number): Promise<ClosedMonth[]> {
  const d = new Date(from);
  const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const rows = await store.query<{ m: string; v: string }>(sql`
    SELECT toString(month) AS m, toString(close_version) AS v FROM month_closes FINAL
    WHERE project_id = ${projectId} AND state = 'closed' AND month >= ${param(day(first), 'Date')} AND month < ${param(day(to), 'Date')}
    ORDER BY month`);
  return rows.map((r) => {
    const start = Date.parse(`${r.m}T00:00:00Z`);
    const s = new Date(start);
    return { from: start, to: Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, 1), closeVersion: Number(r.v) };
  }).filter((m) => m.to > from && m.from < to);
}

/**
 * Why a query cannot be answered from a closed month's rows, as the QueryError to throw, or
 * null: a grouping or filter outside CLOSED_DIMENSIONS, or a range edge inside an hour.
 */
export function closedMonthMismatch(m: ClosedMonth, groupBy: readonly string[], filters: readonly string[], from: number, to: number): QueryError | null {
  const label = day(m.from).slice(0, 7);
  const kept = CLOSED_DIMENSIONS as readonly string[];
  const g = groupBy.find((x) => !kept.includes(x));
  if (g) return new QueryError('groupBy', `${label} is closed and its figures are kept by ${kept.join(', ')}; \`${g}\` is not one of them`);
  const f = filters.find((x) => !kept.includes(x));
  if (f) return new QueryError(`filter[${f}]`, `${label} is closed and its figures are kept by ${kept.join(', ')}; \`${f}\` is not one of them`);
  for (const [name, t] of [['from', from], ['to', to]] as const) {
    if (t > m.from && t < m.to && t % HOUR !== 0) return new QueryError(name, `${label} is closed and its figures are kept per hour: \`${name}\` must be a whole hour inside it`);
  }
  return null;
}

/**
 * The closed rows of [from, to) in the compiled semantic query's shape (`__bucket`, d_<dim>,
 * m_<measure>, s_cost_usd), so the export formats them with the same SQL as live pages.
 */
export function closedRowsQuery(projectId: string, m: ClosedMonth, groupBy: readonly string[], filters: readonly [string, readonly string[]][], from: number, to: number, intervalMs: number): SqlFragment {
  const keys = [sql`__bucket`, ...groupBy.map((d) => sql`${unsafeRaw(dimAlias(d))}`)];
  const conds = filters.map(([d, values]) => sql`${unsafeRaw(closedColumn(d))} IN ${[...values]}`);
  return sql`
    SELECT intDiv(toUnixTimestamp(hour) * 1000, ${intervalMs}) * ${intervalMs} AS __bucket,
      ${join([...groupBy.map((d) => sql`${unsafeRaw(closedColumn(d))} AS ${unsafeRaw(dimAlias(d))}`), ...CLOSED_MEASURES.map((x) => sql`sum(${unsafeRaw(x)}) AS ${unsafeRaw(measureAlias(x))}`)])},
      toString(${unsafeRaw(measureAlias('cost_usd'))}) AS ${unsafeRaw(moneyAlias('cost_usd'))}
    FROM month_close_rows
    WHERE project_id = ${projectId} AND month = ${param(day(m.from), 'Date')} AND close_version = ${param(m.closeVersion, 'UInt64')}
      AND hour >= ${param(Math.floor(from / 1000), 'DateTime')} AND hour < ${param(Math.ceil(to / 1000), 'DateTime')}
      ${conds.length ? sql`AND ${join(conds, ' AND ')}` : sql``}
    GROUP BY ${join(keys)}`;
}

/** The column of a kept dimension (its name; asserted to be one, since it becomes SQL text). */
function closedColumn(d: string): string {
  if (!(CLOSED_DIMENSIONS as readonly string[]).includes(d) || !DIMENSION_BY_NAME.has(d)) throw new QueryError('groupBy', `unknown closed dimension \`${d}\``);
  return d;
}

/** Whether close `version` of the month has rows (a close taken before migration 0016 has none). */
export async function hasClosedRows(store: Store, projectId: string, m: ClosedMonth): Promise<boolean> {
  const [r] = await store.query<{ n: number }>(sql`SELECT count() AS n FROM month_close_rows
    WHERE project_id = ${projectId} AND month = ${param(day(m.from), 'Date')} AND close_version = ${param(m.closeVersion, 'UInt64')}`);
  return Number(r?.n ?? 0) > 0;
}
