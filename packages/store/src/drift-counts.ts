/**
 * Counts of a drift monitor's bins for two windows, from per-hour counts kept in
 * `drift_bin_counts` (migration 0011) plus a raw scan of what they do not cover.
 *
 * A closed hour (ended more than CLOSE_MS ago) is counted once per frozen binning and summed
 * afterwards; the partial hours at a window's edges and hours not closed yet are read raw. So an
 * hourly evaluation over 8 days of spans scans about one new hour, not eight days. Spans that
 * arrive for an hour after it was counted are not added (documented limit; the rollups have the
 * same close delay).
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
    const done = new Set(
      (await store.query<{ h: string }>(sql`SELECT toUnixTimestamp(hour) * 1000 AS h FROM drift_bin_counts FINAL WHERE ${key} AND key = ${DONE} AND hour >= ${new Date(lo)} AND hour < ${new Date(hi)}`))
        .map((x) => Number(x.h)),
    );
    const missing: number[] = [];
    for (const [a, b] of spans) for (let h = a; h < b; h += HOUR) if (!done.has(h)) missing.push(h);
    if (missing.length > 0) {
      const version = Date.now();
      const mLo = Math.min(...missing);
      const mHi = Math.max(...missing) + HOUR;
      const secs = missing.map((h) => h / 1000);
      await store.command(sql`
        INSERT INTO drift_bin_counts (project_id, monitor_id, binning_key, hour, key, n, distinct_upto, _version)
        SELECT ${projectId}, ${monitorId}, ${bKey}, h, k, count(), uniqUpTo(6)(v), ${version}
        FROM (SELECT ${f.value} AS v, toStartOfHour(${f.time}) AS h, ${keyExpr} AS k FROM ${f.from}
              WHERE ${f.where} AND ${range(f, mLo, mHi)} AND toUnixTimestamp(toStartOfHour(${f.time})) IN ${secs})
        GROUP BY h, k`, { kind: 'dashboard', caller: 'drift counts' });
      await store.command(sql`
        INSERT INTO drift_bin_counts (project_id, monitor_id, binning_key, hour, key, n, distinct_upto, _version)
        SELECT ${projectId}, ${monitorId}, ${bKey}, toDateTime(arrayJoin(${secs})), ${DONE}, 0, 0, ${version}`, { kind: 'dashboard', caller: 'drift counts' });
    }
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
