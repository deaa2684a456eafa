import { LATENCY_DIMENSIONS, LATENCY_FILTER_DIMENSIONS, type LatencyFilters } from '@plumb/store';
import { z } from 'zod';
import { bounded, int, interval, stringList, time } from './primitives.ts';
import { window } from './queries.ts';

/**
 * Inputs of the /latency page (tRPC `latency.*`) and of REST `GET /api/v1/latency/percentiles`
 * (same zod objects; property names are the REST parameter names). Window defaults as everywhere:
 * `to` = now, `from` = to − 24 h.
 */
const dimension = z
  .enum(LATENCY_DIMENSIONS, { error: `must be one of ${LATENCY_DIMENSIONS.join(', ')}` })
  .describe('Group by this dimension. model / response_model / provider / agent make the latency that of model calls / agent runs; the others group end-to-end request latency');

const latencyFilter = z
  .strictObject(Object.fromEntries(LATENCY_FILTER_DIMENSIONS.map((d) => [d, stringList().optional().describe(`${d} (any of the values)`)])) as Record<(typeof LATENCY_FILTER_DIMENSIONS)[number], z.ZodOptional<ReturnType<typeof stringList>>>)
  .describe('Filters: filter[tenant]=acme,globex, filter[model]=gpt-4o, … (semantic dimensions; the empty value is the empty group)');

const base = {
  from: time.optional().describe('Window start (inclusive): ISO 8601 or epoch milliseconds. Default: `to` − 24 h.'),
  to: time.optional().describe('Window end (exclusive): ISO 8601 or epoch milliseconds. Default: now.'),
  filter: latencyFilter.optional(),
};

export const latencyPercentilesQuery = z.strictObject({
  ...base,
  dimension: dimension.optional(),
  interval: interval.optional().describe('Bucket width (default: hours for windows over 12 h — read from the hourly rollup — else 5 or 15 minutes)'),
  limit: int(1, 50).optional().describe('Series (top groups by requests; default 8); the rest is summarized in leftOut'),
});
export type LatencyPercentilesInput = z.input<typeof latencyPercentilesQuery>;

export const latencyHeatmapQuery = z.strictObject({ ...base, dimension: dimension.optional(), interval: interval.optional() });
export const latencyRegionQuery = z.strictObject({
  ...base,
  dimension: dimension.optional(),
  minMs: bounded(0, 1e12).describe('Duration lower bound (inclusive), ms'),
  maxMs: bounded(0, 1e12).describe('Duration upper bound (exclusive), ms'),
  limit: int(1, 200).optional(),
});
export const latencySaturationQuery = z.strictObject({ ...base, interval: interval.optional() });
export const latencyWindowQuery = z.strictObject(base);

const HOUR = 3_600_000;
/**
 * Default bucket of the latency charts: whole hours past 12 h (the rollup answers those), finer
 * below; at most ~200 buckets.
 */
export function latencyInterval(fromMs: number, toMs: number): number {
  const span = Math.max(1, toMs - fromMs);
  if (span <= 3 * HOUR) return 60_000;
  if (span <= 12 * HOUR) return 5 * 60_000;
  const hours = [1, 2, 3, 6, 12, 24].map((h) => h * HOUR);
  return hours.find((h) => span / h <= 200) ?? 7 * 24 * HOUR;
}

/** The window, its interval (given or default) and the filters as the store takes them. */
export function latencyWindow(q: { from?: Date | undefined; to?: Date | undefined; interval?: number | undefined; filter?: Record<string, string[] | undefined> | undefined }) {
  const { from, to } = window(q);
  const filters: LatencyFilters = {};
  for (const [d, v] of Object.entries(q.filter ?? {})) if (v) (filters as Record<string, string[]>)[d] = v;
  return { from, to, intervalMs: q.interval ?? latencyInterval(from.getTime(), to.getTime()), filters };
}
