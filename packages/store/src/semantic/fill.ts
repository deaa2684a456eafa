import type { MeasureDef } from './catalog.ts';
import { QueryError } from './errors.ts';
import type { MetricRow } from './query.ts';

/**
 * Series × buckets a filled time series may hold. Past it the query is refused (400) instead of
 * materializing millions of rows: 1000 series × 10,000 buckets would be 10⁷ objects.
 */
export const MAX_FILLED_POINTS = 50_000;

export interface FillOptions {
  from: Date;
  to: Date;
  intervalMs: number;
  groupBy: readonly string[];
  measures: readonly MeasureDef[];
}

/**
 * Gap filling for time series: every series (distinct combination of group values that has at
 * least one row) gets a row for every bucket in [from, to), so charts draw true zeros instead of
 * interpolating across missing buckets. An empty bucket holds 0 for additive measures (counts,
 * sums) and null for the others (percentiles, ratios, averages are undefined without data).
 * Buckets are aligned to multiples of intervalMs since the epoch (UTC), matching the SQL.
 * Output order: time ascending, then series in order of first appearance.
 */
export function fillGaps(rows: readonly MetricRow[], o: FillOptions): MetricRow[] {
  const start = Math.floor(o.from.getTime() / o.intervalMs) * o.intervalMs;
  const end = o.to.getTime();
  const seriesKey = (r: MetricRow) => JSON.stringify(o.groupBy.map((d) => r[d]));
  const series = new Map<string, MetricRow>();
  const byKey = new Map<string, MetricRow>();
  for (const r of rows) {
    const k = seriesKey(r);
    if (!series.has(k)) series.set(k, r);
    byKey.set(`${r.time}|${k}`, r);
  }
  if (series.size === 0 && o.groupBy.length === 0) series.set('[]', {});
  const out: MetricRow[] = [];
  for (let t = start; t < end; t += o.intervalMs) {
    const time = new Date(t).toISOString();
    for (const [k, sample] of series) {
      const hit = byKey.get(`${time}|${k}`);
      if (hit) {
        out.push(hit);
        continue;
      }
      const row: MetricRow = { time };
      for (const d of o.groupBy) row[d] = sample[d] ?? '';
      for (const m of o.measures) row[m.name] = m.additive ? 0 : null;
      out.push(row);
    }
  }
  return out;
}

/**
 * Gap-fills a view's time series (the GPU and quality views), or refuses with a 400 naming
 * `interval` when filling would emit more than MAX_FILLED_POINTS points.
 */
export function fillViewSeries(rows: MetricRow[], o: FillOptions): MetricRow[] {
  const buckets = Math.ceil((o.to.getTime() - Math.floor(o.from.getTime() / o.intervalMs) * o.intervalMs) / o.intervalMs);
  const series = new Set(rows.map((r) => JSON.stringify(o.groupBy.map((d) => r[d])))).size;
  if (Math.max(series, 1) * buckets > MAX_FILLED_POINTS) {
    throw new QueryError('interval', `gap filling would emit ${series} series × ${buckets} buckets (max ${MAX_FILLED_POINTS} points); widen the interval or pass fill=false`);
  }
  return fillGaps(rows, o);
}
