import type { Store } from '../store.ts';
import { sql, unsafeRaw } from '../sql.ts';
import { parseRange, QueryError, type TimeInput } from '../semantic/errors.ts';
import { hasRootlessTraces } from '../semantic/views.ts';
import { checkLatencyFilters, LATENCY_DIMENSIONS, type LatencyDimension, type LatencyFilters } from './latency-percentiles.ts';
import { bucketLowerMs, BUCKETS_PER_DECADE, DURATION_BUCKET_SQL, subjectScope } from './latency-spans.ts';

/**
 * The latency heatmap (time × log-spaced duration buckets, counts of the page's subject spans)
 * and the traces behind a region of it. Exact counts from raw spans (FINAL): a region's traces
 * are exactly the spans counted in its cells.
 */
export interface LatencyHeatmapQuery {
  projectId: string;
  from: TimeInput;
  to: TimeInput;
  intervalMs: number;
  dimension?: LatencyDimension;
  filters?: LatencyFilters;
}

export interface HeatmapCell {
  /** Bucket start, epoch ms. */
  t: number;
  /** Duration bucket: [lowerMs(b), lowerMs(b + 1)). */
  b: number;
  count: number;
}
export interface LatencyHeatmap {
  fromMs: number;
  toMs: number;
  intervalMs: number;
  bucketsPerDecade: number;
  cells: HeatmapCell[];
  /** Smallest and largest duration bucket with data (null when empty). */
  minBucket: number | null;
  maxBucket: number | null;
  total: number;
}

function checkDimension(d: string | undefined): LatencyDimension | undefined {
  if (d !== undefined && !(LATENCY_DIMENSIONS as readonly string[]).includes(d)) throw new QueryError('dimension', `dimension must be one of ${LATENCY_DIMENSIONS.join(', ')}`);
  return d as LatencyDimension | undefined;
}

export async function latencyHeatmap(store: Store, q: LatencyHeatmapQuery): Promise<LatencyHeatmap> {
  const { from, to } = parseRange(q.from, q.to);
  if (!Number.isInteger(q.intervalMs) || q.intervalMs < 1000) throw new QueryError('interval', 'interval must be a whole number of seconds (≥ 1s)');
  if ((to.getTime() - from.getTime()) / q.intervalMs > 2000) throw new QueryError('interval', 'at most 2000 time buckets; widen the interval');
  const filters = checkLatencyFilters(q.filters);
  const rootless = await hasRootlessTraces(store, q.projectId, from, to);
  const { withRequest, where } = subjectScope({ projectId: q.projectId, from, to, dimension: checkDimension(q.dimension), filters, rootless });
  const rows = await store.query<{ t: number; b: number; n: number }>(sql`${withRequest}SELECT
      intDiv(toUnixTimestamp64Milli(start_time), ${q.intervalMs}) * ${q.intervalMs} AS t, ${unsafeRaw(DURATION_BUCKET_SQL)} AS b, count() AS n
    FROM spans FINAL WHERE ${where}
    GROUP BY t, b ORDER BY t, b`);
  const cells = rows.map((r) => ({ t: Number(r.t), b: Number(r.b), count: Number(r.n) }));
  const bs = cells.map((c) => c.b);
  return {
    fromMs: from.getTime(), toMs: to.getTime(), intervalMs: q.intervalMs, bucketsPerDecade: BUCKETS_PER_DECADE, cells,
    minBucket: bs.length ? Math.min(...bs) : null, maxBucket: bs.length ? Math.max(...bs) : null,
    total: cells.reduce((a, c) => a + c.count, 0),
  };
}

export interface LatencyRegionQuery {
  projectId: string;
  /** The region's time range [from, to). */
  from: TimeInput;
  to: TimeInput;
  /** The region's duration range [minMs, maxMs), ms. */
  minMs: number;
  maxMs: number;
  dimension?: LatencyDimension;
  filters?: LatencyFilters;
  /** Default 50, max 200; slowest first. */
  limit?: number;
}

export interface RegionSpan {
  traceId: string;
  spanId: string;
  name: string;
  startMs: number;
  durationMs: number;
  status: string;
  tenant: string;
  requestType: string;
  model: string;
  service: string;
}
export interface LatencyRegion {
  /** Spans in the region (all of them, not only the listed page). */
  total: number;
  spans: RegionSpan[];
}

/** The subject spans (with their traces) inside a heatmap region, slowest first. */
export async function latencyRegion(store: Store, q: LatencyRegionQuery): Promise<LatencyRegion> {
  const { from, to } = parseRange(q.from, q.to);
  if (!(q.minMs >= 0) || !(q.maxMs > q.minMs)) throw new QueryError('maxMs', 'need 0 ≤ minMs < maxMs');
  const limit = q.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new QueryError('limit', 'limit must be an integer in 1..200');
  const filters = checkLatencyFilters(q.filters);
  const rootless = await hasRootlessTraces(store, q.projectId, from, to);
  const { withRequest, where } = subjectScope({ projectId: q.projectId, from, to, dimension: checkDimension(q.dimension), filters, rootless });
  // Bounds in ns as integers: a region drawn on bucket edges selects exactly the cells' spans.
  const lo = BigInt(Math.round(q.minMs * 1e6));
  const hi = BigInt(Math.round(q.maxMs * 1e6));
  const rows = await store.query<Record<string, string | number>>(sql`${withRequest}SELECT trace_id, span_id, name, toUnixTimestamp64Milli(start_time) AS start_ms, duration_ns / 1e6 AS ms,
      toString(status_code) AS status, tenant, request_type, request_model, service, count() OVER () AS total
    FROM spans FINAL WHERE ${where} AND duration_ns >= ${lo} AND duration_ns < ${hi}
    ORDER BY duration_ns DESC, trace_id, span_id LIMIT ${limit}`);
  return {
    total: Number(rows[0]?.total ?? 0),
    spans: rows.map((r) => ({
      traceId: String(r.trace_id), spanId: String(r.span_id), name: String(r.name), startMs: Number(r.start_ms),
      durationMs: Number(r.ms), status: String(r.status), tenant: String(r.tenant), requestType: String(r.request_type),
      model: String(r.request_model), service: String(r.service),
    })),
  };
}

export { bucketLowerMs };
