import { join, sql, unsafeRaw, type SqlFragment } from '../sql.ts';
import { DIMENSION_BY_NAME, subjectPredicate, ROOT_PREDICATE, type MeasureDef } from './catalog.ts';
import type { Coverage } from './coverage.ts';
import { requestExprRanges } from './views.ts';

/**
 * The latency rollup (`rollup_latency_hourly`, migration 0014): per hour, build, dimension and
 * value, the states of that dimension's subject spans, by status. The compiler reads it for a
 * query grouped by ONE of these dimensions, filtered only by that dimension, asking only subject
 * measures (requests, errors, error rate, latency percentiles and mean): the latency page's
 * charts. Every row of the table is a subject span's, so the subject predicate is `1` there.
 */
export const LATENCY_ROLLUP_DIMENSIONS: ReadonlyMap<string, string> = new Map([
  ['tenant', 'tenant'], ['request_type', 'request_type'], ['route', 'route'], ['environment', 'environment'], ['service', 'service'],
  ['service_version', 'service_version'], ['model', 'request_model'], ['response_model', 'response_model'], ['provider', 'provider'], ['agent', 'agent_name'],
]);

/** Whether the latency rollup can answer: one latency dimension, filters only on it, subject measures only. */
export function latencyRollupDimension(groupBy: readonly string[], filters: readonly [string, readonly string[]][], measures: readonly MeasureDef[], sets: boolean): string | null {
  if (sets || groupBy.length !== 1) return null;
  const d = groupBy[0]!;
  if (!LATENCY_ROLLUP_DIMENSIONS.has(d)) return null;
  if (filters.some(([f]) => f !== d)) return null;
  // The subject rules of this dimension alone must be the table's (a filter on d adds none).
  if (!measures.every((m) => m.spanSet === 'subject' && !m.rollup.includes('ttft') && !m.rollup.includes('usage_counted') && !m.rollup.includes('category'))) return null;
  return d;
}

/** The insert of a build's latency rows, merged from its rollup_hourly rows (`where` selects the build). */
export function latencyRollupInsert(where: SqlFragment): SqlFragment {
  const pairs = [...LATENCY_ROLLUP_DIMENSIONS].map(([d, col]) => `('${d}', ${col})`).join(', ');
  return sql`INSERT INTO rollup_latency_hourly (project_id, hour, build, dimension, value, status_code, spans, duration_ns, latency_ms)
    SELECT project_id, hour, build, dv.1 AS dimension, dv.2 AS value, status_code,
      sum(spans), sum(duration_ns), quantilesDDMergeState(0.01, 0.5, 0.95, 0.99)(latency_ms)
    FROM rollup_hourly
    ARRAY JOIN [${unsafeRaw(pairs)}] AS dv
    WHERE ${where} AND multiIf(dv.1 IN ('model', 'response_model', 'provider'), usage_counted, dv.1 = 'agent', category = 'agent', is_request)
    GROUP BY project_id, hour, build, dimension, value, status_code`;
}

const HOUR_MS = 3_600_000;

/**
 * Rows of states for one dimension over the whole window: the latency rollup's current builds
 * for covered hours, UNION ALL the same states from raw subject spans for the uncovered ranges.
 * Columns: __hour, the dimension's column (named as in spans), status_code, spans, duration_ns,
 * latency_ms — what the subject measures' `rollup` SQL reads (with `$S` = 1).
 */
export function latencyRollupStates(projectId: string, c: Coverage, dimension: string, rowConds: readonly SqlFragment[], rootless: boolean): SqlFragment {
  const col = LATENCY_ROLLUP_DIMENSIONS.get(dimension)!;
  const colId = unsafeRaw(col);
  const lo = new Date(Math.min(...c.hours));
  const hi = new Date(Math.max(...c.hours));
  const extra = rowConds.length ? sql` AND ${join([...rowConds], ' AND ')}` : sql``;
  const rollup = sql`SELECT __hour, ${colId}, status_code, spans, duration_ns, latency_ms FROM (
      SELECT toUnixTimestamp(hour) * 1000 AS __hour, value AS ${colId}, status_code, spans, duration_ns, latency_ms
      FROM rollup_latency_hourly
      WHERE project_id = ${projectId} AND dimension = ${dimension} AND hour >= ${lo} AND hour <= ${hi} AND build IN ${c.builds})
    WHERE 1${extra}`;
  if (c.rawRanges.length === 0) return rollup;
  const subject = subjectPredicate([dimension]);
  const range = join(c.rawRanges.map(([a, b]) => sql`(start_time >= ${a} AND start_time < ${b})`), ' OR ');
  const request = subject.includes(ROOT_PREDICATE) ? (rootless ? requestExprRanges(projectId, c.rawRanges) : sql`empty(parent_span_id)`) : sql`0`;
  if (DIMENSION_BY_NAME.get(dimension)!.expr !== col) throw new Error(`latency rollup: ${dimension} is not a plain column`);
  return sql`${rollup}
      UNION ALL
      SELECT intDiv(toUnixTimestamp64Milli(start_time), ${HOUR_MS}) * ${HOUR_MS} AS __hour, ${colId}, status_code,
        count(), sum(duration_ns), quantilesDDState(0.01, 0.5, 0.95, 0.99)(duration_ns / 1e6)
      FROM (SELECT *, ${request} AS is_request FROM spans FINAL WHERE project_id = ${projectId} AND (${range}))
      WHERE (${unsafeRaw(subject)})${extra}
      GROUP BY __hour, ${colId}, status_code`;
}
