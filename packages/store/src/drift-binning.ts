/**
 * How a drift monitor's bins are frozen from its reference so that its FIRST evaluation reads the
 * source about once (10M spans: under a second), not twice (the reference's percentiles, then
 * the per-hour counts on those bins: 1.9–6 s measured on a loaded machine).
 *
 * - Categorical: nothing to do before counting. The per-hour counts are per value whatever the
 *   bins, so the counting pass runs first and the top-K values come from the reference's summed
 *   counts: exactly the bins a separate top-K pass would freeze.
 * - Numeric: the edges are percentiles of a systematic sample of the reference's HOURS (every
 *   k-th hour, k coprime with 24 and 7, about SAMPLE_HOURS of them; the primary key skips the
 *   others), through the same reservoir `quantiles` as before. The whole reference is read only
 *   when the sample holds fewer than SAMPLE_MIN_VALUES values. The edges were an estimate before
 *   too (a reservoir of 8,192 values); everything after them is exact: the counting pass keeps
 *   per-hour min, max and shifted sums, so the reference's range and std (the open tails' clip,
 *   Wasserstein's unit) are those of the whole reference, from the same pass.
 * - A reference with no values freezes nothing; the monitor remembers that (as of when, for which
 *   window) and re-checks only rows that can change it: rows ingested since, and the part of the
 *   window it had not checked (a rolling reference moves). One LIMIT 1 read instead of a rescan.
 */
import { FINE_QUANTILES, nullBinIndex, numericBinningFromPercentiles, type NumericBinning } from '@plumb/analytics';
import { LATE_MARGIN_MS, type KeyCount } from './drift-counts.ts';
import { windowSql, type FeatureSql } from './drift-features.ts';
import { param, sql, unsafeRaw, type SqlFragment } from './sql.ts';
import type { Store } from './store.ts';

const HOUR = 3_600_000;
/** Hours of the reference the numeric edges are estimated from (about). */
export const SAMPLE_HOURS = 48;
/** Fewer values than this in the sampled hours: the edges come from the whole reference. */
export const SAMPLE_MIN_VALUES = 20_000;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Hour starts of the reference's sample, or null for the whole reference (short references).
 * The stride is coprime with 168 so the sample walks through every hour of the day and every
 * day of the week instead of locking onto a daily or weekly cycle.
 */
export function sampledHours(fromMs: number, toMs: number): number[] | null {
  const first = Math.floor(fromMs / HOUR) * HOUR;
  const n = Math.ceil((toMs - first) / HOUR);
  let stride = Math.ceil(n / SAMPLE_HOURS);
  if (stride <= 1) return null;
  while (gcd(stride, 168) !== 1) stride++;
  const out: number[] = [];
  for (let h = first; h < toMs; h += stride * HOUR) out.push(h);
  return out;
}

/**
 * The reference's 99 percentiles (FINE_QUANTILES), from sampled hours when they hold at least
 * `minValues` values, else from the whole reference; null when it has no values.
 */
export async function referencePercentiles(store: Store, f: FeatureSql, from: Date, to: Date, minValues = SAMPLE_MIN_VALUES): Promise<number[] | null> {
  const levels = unsafeRaw(FINE_QUANTILES.join(', '));
  const read = async (hours: number[] | null) => {
    const inSample = hours ? sql`AND toStartOfHour(${f.time}) IN ${param(hours.map((h) => h / 1000), 'Array(DateTime)')}` : sql``;
    const [row] = await store.query<{ n: string; q: number[] }>(sql`
      SELECT count() AS n, quantiles(${levels})(v) AS q
      FROM (SELECT ${f.value} AS v FROM ${f.from} WHERE ${f.where} AND ${windowSql(f, from, to)} ${inSample}) WHERE isNotNull(v)`);
    return { n: Number(row?.n ?? 0), q: (row?.q ?? []).map(Number) };
  };
  const hours = sampledHours(from.getTime(), to.getTime());
  let got = await read(hours);
  if (hours && got.n < minValues) got = await read(null);
  return got.n > 0 ? got.q : null;
}

/** Edges from the percentiles; the reference's range and std are filled in from the counts. */
export function provisionalBinning(percentiles: readonly number[]): NumericBinning {
  return numericBinningFromPercentiles(percentiles, 0, 0, 0);
}

/** The shift of a numeric binning's value sums: its middle edge (near the reference's median). */
export function binningShift(edges: readonly number[]): number {
  return edges[Math.floor(edges.length / 2)] ?? 0;
}

/**
 * The reference's min, max and population std from the counted rows of a numeric binning (keys
 * are bin indexes, the null bin excluded); null when the reference has no value.
 */
export function referenceStats(rows: readonly KeyCount[], b: NumericBinning): { refMin: number; refMax: number; refStd: number } | null {
  const nullKey = String(nullBinIndex(b));
  let n = 0;
  let s = 0;
  let q = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of rows) {
    if (row.key === nullKey || row.r === 0) continue;
    n += row.r;
    s += row.s;
    q += row.q;
    lo = Math.min(lo, row.lo);
    hi = Math.max(hi, row.hi);
  }
  if (n === 0) return null;
  const mean = s / n;
  return { refMin: lo, refMax: hi, refStd: Math.sqrt(Math.max(0, q / n - mean * mean)) };
}

/** "The reference [fromMs, toMs) had no value as of checkedAtMs" (kept in drift_monitors.binning). */
export interface EmptyReference { kind: 'none'; fromMs: number; toMs: number; checkedAtMs: number }

/** Whether any row of [from, to) matching `extra` has a value (one LIMIT 1 read, no FINAL). */
async function anyValue(store: Store, f: FeatureSql, kind: 'numeric' | 'categorical', from: Date, to: Date, extra: SqlFragment): Promise<boolean> {
  const has = kind === 'numeric' ? sql`isNotNull(v)` : sql`v != ''`;
  const rows = await store.query<{ x: number }>(sql`
    SELECT 1 AS x FROM (SELECT ${f.value} AS v FROM ${f.table} WHERE ${f.where} AND ${windowSql(f, from, to)} AND ${extra})
    WHERE ${has} LIMIT 1`, { caller: 'drift reference values' });
  return rows.length > 0;
}

/**
 * Whether the reference has a value at all: asked before a categorical first count, so a field
 * with no values costs a scan of its own column (the engine filters it first), not the counting
 * pass. Without FINAL: an older version with a value only sends the caller to the full path.
 */
export function referenceHasValue(store: Store, f: FeatureSql, kind: 'numeric' | 'categorical', from: Date, to: Date): Promise<boolean> {
  return anyValue(store, f, kind, from, to, sql`1`);
}

/**
 * Whether the reference [from, to) may have gained a value since `memo`: a value in the part of
 * the window the memo did not cover, or a row ingested since it was checked.
 */
export function referenceMayHaveValues(store: Store, f: FeatureSql, kind: 'numeric' | 'categorical', memo: EmptyReference, from: Date, to: Date): Promise<boolean> {
  const since = new Date(memo.checkedAtMs - LATE_MARGIN_MS);
  return anyValue(store, f, kind, from, to, sql`(NOT ${windowSql(f, new Date(memo.fromMs), new Date(memo.toMs))} OR ${f.ingested} > ${since})`);
}
