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
 *
 * What is counted is a `CountSpec`: a bin expression over `v` (grouped as it is, a number or the
 * value) and the string key it is stored under, made only after grouping (a string per row cost
 * about half of the counting pass at 10M spans). Numeric specs also keep, per hour and bin, the
 * min, max, Σ(v − shift) and Σ(v − shift)², from which the reference's range and std are summed.
 */
import { createHash } from 'node:crypto';
import type { FeatureSql } from './drift-features.ts';
import { join, param, sql, type SqlFragment } from './sql.ts';
import type { Store } from './store.ts';

const HOUR = 3_600_000;
const CLOSE_MS = 5 * 60_000;
const DONE = '';

/**
 * Counts of one key over the two windows; `d` = distinct values up to 6 (numeric specs). The
 * reference's value statistics of the key (numeric specs; meaningful when r > 0): lo, hi, and
 * s, q = Σ(v − shift), Σ(v − shift)².
 */
export interface KeyCount { key: string; r: number; c: number; d: number; lo: number; hi: number; s: number; q: number }

export interface CountSpec {
  /** The bin of a row, over `v` (the feature value); grouped as it is. */
  bin: SqlFragment;
  /** The stored key (String) of a grouped bin value `b`. */
  key: (b: SqlFragment) => SqlFragment;
  /** Numeric: distinct values up to 6 and the value statistics (shift c) are kept. */
  numeric?: { shift: number };
}

/**
 * The binning_key of a monitor's cached counts: the feature's identity (what is counted: table,
 * value, span set, slice filters) plus what the keys mean (`part`: the numeric edges, or 'values'
 * for per-value counts). An updated definition whose bins come out the same therefore never
 * reuses the counts of the old one.
 */
export function countsKey(f: FeatureSql, part: unknown): string {
  const { from, value, where, time } = f;
  return createHash('sha256').update(JSON.stringify({ v: 2, feature: [from, value, where, time], part })).digest('hex').slice(0, 24);
}

function stats(spec: CountSpec, cond: SqlFragment | null): SqlFragment {
  if (!spec.numeric) return sql`toUInt64(0) AS d, toFloat64(0) AS lo, toFloat64(0) AS hi, toFloat64(0) AS s, toFloat64(0) AS q`;
  const c = param(spec.numeric.shift, 'Float64');
  if (!cond) {
    return sql`uniqUpTo(6)(v) AS d, ifNull(min(v), 0) AS lo, ifNull(max(v), 0) AS hi, ifNull(sum(v - ${c}), 0) AS s, ifNull(sum((v - ${c}) * (v - ${c})), 0) AS q`;
  }
  return sql`uniqUpTo(6)(v) AS d, ifNull(minIf(v, ${cond}), 0) AS lo, ifNull(maxIf(v, ${cond}), 0) AS hi,
    ifNull(sumIf(v - ${c}, ${cond}), 0) AS s, ifNull(sumIf((v - ${c}) * (v - ${c}), ${cond}), 0) AS q`;
}

interface CountRow { k: string; r: string; c: string; d: string; lo: number; hi: number; s: number; q: number }
const toKeyCount = (x: CountRow): KeyCount => ({ key: String(x.k), r: Number(x.r), c: Number(x.c), d: Number(x.d), lo: Number(x.lo), hi: Number(x.hi), s: Number(x.s), q: Number(x.q) });

const range = (f: FeatureSql, a: number, b: number) => sql`(${f.time} >= ${new Date(a)} AND ${f.time} < ${new Date(b)})`;
const anyOf = (parts: SqlFragment[]) => (parts.length ? sql`(${join(parts, ' OR ')})` : sql`0`);

/** Raw counts per key over arbitrary ranges of each window (one pass). */
export async function rawKeyCounts(store: Store, f: FeatureSql, spec: CountSpec, refRanges: [number, number][], curRanges: [number, number][]): Promise<KeyCount[]> {
  if (refRanges.length + curRanges.length === 0) return [];
  const inRef = anyOf(refRanges.map(([a, b]) => range(f, a, b)));
  const inCur = anyOf(curRanges.map(([a, b]) => range(f, a, b)));
  const rows = await store.query<CountRow>(sql`
    SELECT ${spec.key(sql`b`)} AS k, countIf(in_ref) AS r, countIf(in_cur) AS c, ${stats(spec, sql`in_ref`)}
    FROM (SELECT ${f.value} AS v, ${spec.bin} AS b, ${inRef} AS in_ref, ${inCur} AS in_cur FROM ${f.from} WHERE ${f.where} AND (${inRef} OR ${inCur}))
    GROUP BY b`);
  return rows.map(toKeyCount);
}

/** Sorted hours as runs of consecutive hours, [start, end). */
function runs(hours: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const h of [...hours].sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last && last[1] === h) last[1] = h + HOUR;
    else out.push([h, h + HOUR]);
  }
  return out;
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
export const LATE_MARGIN_MS = 30_000;

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
 * newer version of every key of the hour replaces the old one. The hours are selected as a few
 * time ranges (the primary key prunes them) when they form few runs, as on a first evaluation
 * (one run per window); a set of hour starts otherwise.
 */
async function countHours(
  store: Store, key: SqlFragment, projectId: string, monitorId: string, bKey: string, f: FeatureSql, spec: CountSpec,
  hours: readonly number[], stale: ReadonlySet<number>, version: number,
): Promise<void> {
  const hourRuns = runs(hours);
  const lo = hourRuns[0]![0];
  const hi = hourRuns[hourRuns.length - 1]![1];
  const inHours = hourRuns.length <= 8
    ? anyOf(hourRuns.map(([a, b]) => range(f, a, b)))
    : sql`${range(f, lo, hi)} AND toUnixTimestamp(toStartOfHour(${f.time})) IN ${hours.map((h) => h / 1000)}`;
  const staleSecs = hours.filter((h) => stale.has(h)).map((h) => h / 1000);
  const previous = staleSecs.length === 0 ? sql`` : sql`
      UNION ALL
      SELECT hour AS h, key AS k, toUInt64(0) AS n, toUInt64(0) AS d, toFloat64(0) AS lo, toFloat64(0) AS hi, toFloat64(0) AS s, toFloat64(0) AS q
      FROM drift_bin_counts FINAL WHERE ${key} AND key != ${DONE} AND toUnixTimestamp(hour) IN ${staleSecs}`;
  await store.command(sql`
    INSERT INTO drift_bin_counts (project_id, monitor_id, binning_key, hour, key, n, distinct_upto, v_min, v_max, v_sum, v_sq, _version)
    SELECT ${projectId}, ${monitorId}, ${bKey}, h, k, sum(n), max(d), minIf(lo, n > 0), maxIf(hi, n > 0), sum(s), sum(q), ${version}
    FROM (
      SELECT h, ${spec.key(sql`b`)} AS k, count() AS n, ${stats(spec, null)}
      FROM (SELECT ${f.value} AS v, toStartOfHour(${f.time}) AS h, ${spec.bin} AS b FROM ${f.from} WHERE ${f.where} AND (${inHours}))
      GROUP BY h, b${previous}
    )
    GROUP BY h, k`, { kind: 'dashboard', caller: 'drift counts' });
}

/**
 * Counts per key for the two windows: cached closed hours (counting the missing ones first)
 * plus raw remainders. `spec` must be a pure function of what `bKey` identifies (countsKey).
 */
export async function cachedKeyCounts(
  store: Store, projectId: string, monitorId: string, bKey: string, f: FeatureSql, spec: CountSpec,
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
    if (todo.length > 0) await countHours(store, key, projectId, monitorId, bKey, f, spec, todo, stale, checkedAt);
    // Every hour of the range is now complete up to checkedAt (counted, recounted, or checked
    // for late rows just now): move its marker, so the next late check reads only newer rows.
    await store.command(sql`
      INSERT INTO drift_bin_counts (project_id, monitor_id, binning_key, hour, key, n, distinct_upto, _version)
      SELECT ${projectId}, ${monitorId}, ${bKey}, toDateTime(arrayJoin(${hours.map((h) => h / 1000)})), ${DONE}, 0, 0, ${checkedAt}`, { kind: 'dashboard', caller: 'drift counts' });
  }
  const inR = r.hours ? sql`hour >= ${new Date(r.hours[0])} AND hour < ${new Date(r.hours[1])}` : sql`0`;
  const inC = c.hours ? sql`hour >= ${new Date(c.hours[0])} AND hour < ${new Date(c.hours[1])}` : sql`0`;
  const [cached, raw] = await Promise.all([
    spans.length === 0 ? Promise.resolve([]) : store.query<CountRow>(sql`
      SELECT key AS k, sumIf(n, ${inR}) AS r, sumIf(n, ${inC}) AS c, max(distinct_upto) AS d,
             minIf(v_min, n > 0 AND ${inR}) AS lo, maxIf(v_max, n > 0 AND ${inR}) AS hi, sumIf(v_sum, ${inR}) AS s, sumIf(v_sq, ${inR}) AS q
      FROM drift_bin_counts FINAL WHERE ${key} AND key != ${DONE} AND ((${inR}) OR (${inC})) GROUP BY key`),
    rawKeyCounts(store, f, spec, r.raw, c.raw),
  ]);
  const out = new Map<string, KeyCount>();
  for (const x of [...cached.map(toKeyCount), ...raw]) {
    const prev = out.get(x.key);
    out.set(x.key, prev ? mergeKeyCounts(prev, x) : { ...x });
  }
  return [...out.values()];
}

/** Two partial counts of the same key (the reference statistics only where r > 0). */
function mergeKeyCounts(a: KeyCount, b: KeyCount): KeyCount {
  const lo = a.r > 0 && b.r > 0 ? Math.min(a.lo, b.lo) : a.r > 0 ? a.lo : b.lo;
  const hi = a.r > 0 && b.r > 0 ? Math.max(a.hi, b.hi) : a.r > 0 ? a.hi : b.hi;
  return { key: a.key, r: a.r + b.r, c: a.c + b.c, d: Math.max(a.d, b.d), lo, hi, s: a.s + b.s, q: a.q + b.q };
}
