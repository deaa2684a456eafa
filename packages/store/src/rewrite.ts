import { ident, join, param, sql, type SqlFragment } from './sql.ts';
import { nanosToDateTime64 } from './spans.ts';
import type { Store } from './store.ts';

/**
 * THE row-rewrite module: every change to stored span rows (late trace context, later
 * repricing) goes through `rewriteSpans`. Span rows are immutable in place; a rewrite inserts a
 * copy of each matching row with new values and a higher `_version`, and ReplacingMergeTree
 * (read FINAL) keeps the newest copy. Contracts:
 *
 * - Same key, never a second row: the copy keeps every sort-key and partition column
 *   (project_id, start_time, trace_id, span_id), so under FINAL it REPLACES the row — a rewrite
 *   can never double-count. Key columns cannot be set.
 * - Version: `greatest(_version + 1, REWRITE_VERSION_BASE + now ms)`. The copy always outranks
 *   the row it was made from (even if the row came from a collector whose clock runs ahead), and
 *   rewritten rows outrank every ingest copy (ingest versions stay below 2^43, spans.ts
 *   `rowVersion`), so a duplicate delivery arriving after a correction never undoes it. A later
 *   rewrite outranks an earlier one. Two concurrent rewrites of one row leave the higher version;
 *   callers make rewrites content-driven and idempotent (fill what is missing, recompute from the
 *   row), so a row that still lacks something after any interleaving is simply found again on
 *   the next pass (corrections.ts does exactly that).
 * - Column list independent: the copy is `SELECT * REPLACE (…)` of the current row, so columns
 *   added or moved by later migrations are carried over as they are; only the columns named in
 *   `set` (and `_version`) must exist.
 * - Rollups: the hours it touches are marked in `rollup_dirty_hours` (the rollup job re-rolls
 *   hours marked after it last rolled them) — once before the copy is inserted and once after:
 *   the second mark covers a rollup that ran between the first mark and the insert, the first
 *   covers a crash between the insert and the second mark (only both at once leave the hour
 *   stale). If the first mark fails, nothing is rewritten. The copy is restricted to the hours
 *   that were marked.
 * - Reads only [fromNs, toNs] of start_time (the sort key's hour and the day partitions).
 */

/** Rewritten rows rank above every ingest-written row (those stay below 2^43). */
export const REWRITE_VERSION_BASE = 2 ** 43;

export function rewriteVersion(nowMs: number): number {
  return REWRITE_VERSION_BASE + nowMs;
}

/** Columns a rewrite must never change: they place the row (sort key, partition). */
const KEY_COLUMNS = new Set(['project_id', 'trace_id', 'span_id', 'start_time', '_version']);

export interface RewriteSpec {
  projectId: string;
  /** Only rows with start_time in [fromNs, toNs] are read (bounds the scan). */
  fromNs: bigint;
  toNs: bigint;
  /** Which current rows to rewrite (SQL over span columns, evaluated on the FINAL row). */
  where: SqlFragment;
  /** New values: column → SQL expression over the current row's columns. */
  set: Record<string, SqlFragment>;
}

export interface RewriteResult {
  /** Rows rewritten (as counted just before the copy). */
  rows: number;
  /** Hours marked stale in rollup_dirty_hours. */
  hours: number;
}

export async function rewriteSpans(store: Store, spec: RewriteSpec, nowMs: number = Date.now()): Promise<RewriteResult> {
  const columns = Object.keys(spec.set);
  if (columns.length === 0) throw new Error('rewriteSpans: nothing to set');
  for (const c of columns) if (KEY_COLUMNS.has(c)) throw new Error(`rewriteSpans: ${c} places the row and cannot be rewritten`);

  const rows = (where: SqlFragment) => sql`
    project_id = ${spec.projectId}
    AND start_time >= ${param(nanosToDateTime64(spec.fromNs), 'DateTime64(9)')}
    AND start_time <= ${param(nanosToDateTime64(spec.toNs), 'DateTime64(9)')}
    AND (${where})`;

  const touched = await store.query<{ hour: number; n: string }>(sql`
    SELECT toUnixTimestamp(toStartOfHour(start_time)) AS hour, count() AS n
    FROM spans FINAL WHERE ${rows(spec.where)}
    GROUP BY hour ORDER BY hour`);
  if (touched.length === 0) return { rows: 0, hours: 0 };
  const hours = touched.map((h) => Number(h.hour));

  const mark = () =>
    store.command(sql`
      INSERT INTO rollup_dirty_hours (project_id, hour, marked_at)
      SELECT ${spec.projectId}, toDateTime(arrayJoin(${param(hours, 'Array(UInt32)')})), now64(3)`);

  await mark();
  const replacements = columns.map((c) => sql`${spec.set[c]!} AS ${ident(c)}`);
  await store.command(sql`
    INSERT INTO spans
    SELECT * REPLACE (
      ${join(replacements)},
      greatest(_version + 1, ${param(rewriteVersion(nowMs), 'UInt64')}) AS _version
    )
    FROM (
      -- A subquery, because REPLACE's aliases would shadow these columns in a WHERE beside them.
      SELECT * FROM spans FINAL
      WHERE ${rows(spec.where)}
        AND has(${param(hours, 'Array(UInt32)')}, toUnixTimestamp(toStartOfHour(start_time)))
    )`);
  await mark();
  return { rows: touched.reduce((n, h) => n + Number(h.n), 0), hours: hours.length };
}
