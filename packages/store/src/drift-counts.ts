/**
 * Counts of a drift monitor's bins for two windows, from per-hour counts kept in
 * `drift_bin_counts` (migration 0011) plus a raw scan of what they do not cover.
 *
 * A closed hour (ended more than CLOSE_MS ago) is counted once per frozen binning and summed
 * afterwards; the partial hours at a window's edges and hours not closed yet are read raw. So an
 * hourly evaluation over 8 days of spans scans about one new hour, not eight days.
 *
 * Late data: rows (spans, scores) inserted for an hour after it was counted are added. Each
 * hour's done marker carries the time up to which its counts are complete; an evaluation looks
 * for rows inserted after the oldest marker of its range (one column scan, `_ingested_at`),
 * recounts the hours that got any, and moves every marker of the range to its own start.
 */
import { createHash } from 'node:crypto';
import type { Binning } from '@plumb/analytics';
import type { FeatureSql } from './drift-features.ts';
import { join, sql, type SqlFragment } from './sql.ts';
import type { Store } from './store.ts';

const HOUR = 3_600_000;
const CLOSE_MS = 5 * 60_000;
const DONE = '';

export interface KeyCount { key: string; r: number; c: number; d: number }

export function binningKey(b: Binning): string {
  return createHash('sha256').update(JSON.stringify(b)).digest('hex').slice(0, 24);
}

const range = (f: FeatureSql, a: number, b: number) => sql`(${f.time} >= ${new Date(a)} AND ${f.time} < ${new Date(b)})`;
const anyOf = (parts: SqlFragment[]) => (parts.length ? sql`(${join(parts, ' OR ')})` : sql`0`);

/** Raw counts per key over arbitrary ranges of each window (one pass). */
export async function rawKeyCounts(store: Store, f: FeatureSql, keyExpr: SqlFragment, refRanges: [number, number][], curRanges: [number, number][]): Promise<KeyCount[]> {
  if (refRanges.length + curRanges.length === 0) return [];
  const inRef = anyOf(refRanges.map(([a, b]) => range(f, a, b)));
  const inCur = anyOf(curRanges.map(([a, b]) => range(f, a, b)));
  const rows = await store.query<{ k: string; r: string; c: string; d: string }>(sql`
    SELECT ${keyExpr} AS k, countIf(in_ref) AS r, countIf(in_cur) AS c, uniqUpTo(6)(v) AS d
    FROM (SELECT ${f.value} AS v, ${inRef} AS in_ref, ${inCur} AS in_cur FROM ${f.from} WHERE ${f.where} AND (${inRef} OR ${inCur}))
    GROUP BY k`);
  return rows.map((x) => ({ key: String(x.k), r: Number(x.r), c: Number(x.c), d: Number(x.d) }));
}

/** Whole closed hours inside [a, b) and the raw remainders. */
function split(a: number, b: number, closedEnd: number): { hours: [number, number] | null; raw: [number, number][] } {
  const h0 = Math.ceil(a / HOUR) * HOUR;
  const h1 = Math.min(Math.floor(b / HOUR) * HOUR, closedEnd);
  if (h1 <= h0) return { hours: null, raw: [[a, b]] };
  const raw: [number, number][] = [];
  if (a < h0) raw.push([a, h0]);
  if (h1 < b) raw.push([h1, b]);
  return { hours: [h0, h1], raw };
}

/**
 * A row inserted up to this long before a count started may not have been visible to it (the
 * insert time is taken before the part is committed); such rows make the hour stale, as for the
 * rollups (semantic/rollup-build.ts visibilityMarginMs).
 */
const LATE_MARGIN_MS = 30_000;

/**
 * Counted hours holding rows inserted after they were counted (late spans, late scores). One
 * scan of the insert-time column over the range, without FINAL: any newer row of an hour (a
 * re-delivery too) is enough to recount it. Each hour's marker holds the time up to which its
 * counts are complete, so only rows newer than the oldest marker are grouped.
 */
async function lateHours(store: Store, f: FeatureSql, lo: number, hi: number, counted: ReadonlyMap<number, number>): Promise<Set<number>> {
  if (counted.size === 0) return new Set();
  const since = Math.min(...counted.values()) - LATE_MARGIN_MS;
  const rows = await store.query<{ h: string; ing: string }>(sql`
    SELECT toUnixTimestamp(toStartOfHour(${f.time})) * 1000 AS h, toUnixTimestamp64Milli(max(${f.ingested})) AS ing
    FROM ${f.table} WHERE ${f.where} AND ${range(f, lo, hi)} AND ${f.ingested} > ${new Date(since)}
    GROUP BY h`);
  const out = new Set<number>();
  for (const r of rows) {
    const at = counted.get(Number(r.h));
    if (at !== undefined && Number(r.ing) > at - LATE_MARGIN_MS) out.add(Number(r.h));
  }
  return out;
}

/**
 * Counts `hours` into drift_bin_counts in one statement. A recounted (stale) hour also writes 0
 * for each key it had before and no longer has (a rewritten span can change its value), so the
 * newer version of every key of the hour replaces the old one.
 */
async function countHours(
  store: Store, key: SqlFragment, projectId: string, monitorId: string, bKey: string, f: FeatureSql, keyExpr: SqlFragment,
  hours: readonly number[], stale: ReadonlySet<number>, version: number,
): Promise<void> {
  const lo = Math.min(...hours);
  const hi = Math.max(...hours) + HOUR;
  const secs = hours.map((h) => h / 1000);
  const staleSecs = hours.filter((h) => stale.has(h)).map((h) => h / 1000);
  const previous = staleSecs.length === 0 ? sql`` : sql`
      UNION ALL
      SELECT hour AS h, key AS k, toUInt64(0) AS n, toUInt64(0) AS d FROM drift_bin_counts FINAL
      WHERE ${key} AND key != ${DONE} AND toUnixTimestamp(hour) IN ${staleSecs}`;
  await store.command(sql`
    INSERT INTO drift_bin_counts (project_id, monitor_id, binning_key, hour, key, n, distinct_upto, _version)
    SELECT ${projectId}, ${monitorId}, ${bKey}, h, k, sum(n), max(d), ${version}
    FROM (
      SELECT h, k, count() AS n, uniqUpTo(6)(v) AS d
      FROM (SELECT ${f.value} AS v, toStartOfHour(${f.time}) AS h, ${keyExpr} AS k FROM ${f.from}
            WHERE ${f.where} AND ${range(f, lo, hi)} AND toUnixTimestamp(toStartOfHour(${f.time})) IN ${secs})
      GROUP BY h, k${previous}
    )
    GROUP BY h, k`, { kind: 'dashboard', caller: 'drift counts' });
}

/**
 * Counts per key for the two windows: cached closed hours (counting the missing ones first)
 * plus raw remainders. `keyExpr` is over `v` (the feature value) and must be a pure function of
 * the binning identified by `bKey`.
 */
export async function cachedKeyCounts(
  store: Store, projectId: string, monitorId: string, bKey: string, f: FeatureSql, keyExpr: SqlFragment,
  ref: [number, number], cur: [number, number], nowMs: number,
): Promise<KeyCount[]> {
  const closedEnd = Math.floor((nowMs - CLOSE_MS) / HOUR) * HOUR;
  const r = split(ref[0], ref[1], closedEnd);
  const c = split(cur[0], cur[1], closedEnd);
  const spans = [r.hours, c.hours].filter((x): x is [number, number] => x !== null);
  const key = sql`project_id = ${projectId} AND monitor_id = ${monitorId} AND binning_key = ${bKey}`;
  if (spans.length > 0) {
    const lo = Math.min(...spans.map((s) => s[0]));
    const hi = Math.max(...spans.map((s) => s[1]));
    const hours: number[] = [];
    for (const [a, b] of spans) for (let h = a; h < b; h += HOUR) hours.push(h);
    // Taken before anything is read: every row ingested before checkedAt − LATE_MARGIN_MS is
    // visible to the reads below, so it is what the hours' markers may claim to include.
    const checkedAt = Date.now();
    const counted = new Map(
      (await store.query<{ h: string; at: string }>(sql`SELECT toUnixTimestamp(hour) * 1000 AS h, _version AS at FROM drift_bin_counts FINAL WHERE ${key} AND key = ${DONE} AND hour >= ${new Date(lo)} AND hour < ${new Date(hi)}`))
        .map((x) => [Number(x.h), Number(x.at)]),
    );
    const stale = await lateHours(store, f, lo, hi, counted);
    const todo = hours.filter((h) => !counted.has(h) || stale.has(h));
    if (todo.length > 0) await countHours(store, key, projectId, monitorId, bKey, f, keyExpr, todo, stale, checkedAt);
    // Every hour of the range is now complete up to checkedAt (counted, recounted, or checked
    // for late rows just now): move its marker, so the next late check reads only newer rows.
    await store.command(sql`
      INSERT INTO drift_bin_counts (project_id, monitor_id, binning_key, hour, key, n, distinct_upto, _version)
      SELECT ${projectId}, ${monitorId}, ${bKey}, toDateTime(arrayJoin(${hours.map((h) => h / 1000)})), ${DONE}, 0, 0, ${checkedAt}`, { kind: 'dashboard', caller: 'drift counts' });
  }
  const inR = r.hours ? sql`hour >= ${new Date(r.hours[0])} AND hour < ${new Date(r.hours[1])}` : sql`0`;
  const inC = c.hours ? sql`hour >= ${new Date(c.hours[0])} AND hour < ${new Date(c.hours[1])}` : sql`0`;
  const [cached, raw] = await Promise.all([
    spans.length === 0 ? Promise.resolve([]) : store.query<{ k: string; r: string; c: string; d: string }>(sql`
      SELECT key AS k, sumIf(n, ${inR}) AS r, sumIf(n, ${inC}) AS c, max(distinct_upto) AS d
      FROM drift_bin_counts FINAL WHERE ${key} AND key != ${DONE} AND ((${inR}) OR (${inC})) GROUP BY key`),
    rawKeyCounts(store, f, keyExpr, r.raw, c.raw),
  ]);
  const out = new Map<string, KeyCount>();
  for (const x of [...cached.map((y) => ({ key: String(y.k), r: Number(y.r), c: Number(y.c), d: Number(y.d) })), ...raw]) {
    const prev = out.get(x.key);
    out.set(x.key, prev ? { key: x.key, r: prev.r + x.r, c: prev.c + x.c, d: Math.max(prev.d, x.d) } : { ...x });
  }
  return [...out.values()];
}
