import { sql, unsafeRaw, type SqlFragment } from '../sql.ts';
import { SPAN_SELECT_TEXT } from '../schema/spans.ts';

export type { SpanKindName, TraceSpanRecord } from '../schema/spans.ts';

/** SELECT list producing the public span (schema/spans.ts); read it from `spans FINAL`. */
export const SPAN_SELECT: SqlFragment = sql`${unsafeRaw(SPAN_SELECT_TEXT)}`;

/** ISO 8601 with up to microseconds → epoch milliseconds as a float (µs kept). */
export function isoToEpochMs(iso: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(iso);
  if (!m) return Date.parse(iso);
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return Date.parse(`${m[1]}Z`) + Number(frac) / 1000;
}

/**
 * Where a set of traces lives in time, from trace_index: lower and upper bounds on span start
 * times, as scalar subqueries so the primary key (hour bucket) prunes before `trace_id` is read.
 * The upper bound gets an hour of slack for spans whose end precedes their start (clock skew).
 */
export function traceBounds(projectId: string, traceIds: readonly string[]): SqlFragment {
  const ids = [...traceIds];
  return sql`start_time >= (SELECT min(start_time) FROM trace_index WHERE project_id = ${projectId} AND trace_id IN ${ids})
    AND start_time <= (SELECT max(end_time) FROM trace_index WHERE project_id = ${projectId} AND trace_id IN ${ids}) + INTERVAL 1 HOUR`;
}
