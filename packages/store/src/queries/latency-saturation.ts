import type { Store } from '../store.ts';
import { sql, unsafeRaw } from '../sql.ts';
import { rollupCoverage } from '../semantic/coverage.ts';
import { parseRange, QueryError, type TimeInput } from '../semantic/errors.ts';
import { queryMetrics } from '../semantic/query.ts';
import { hasRootlessTraces } from '../semantic/views.ts';
import { checkLatencyFilters, type LatencyFilters } from './latency-percentiles.ts';
import { MODEL_CALL_SQL, subjectScope, TIMEOUT_SQL } from './latency-spans.ts';
import { filterConditions } from '../semantic/compile.ts';
import { join } from '../sql.ts';

/**
 * Throughput and saturation over time (issue 10 item 4), per bucket:
 * - requests/s, errors and tokens/s from the semantic layer (the same `requests`, `errors`,
 *   `output_tokens`, `total_tokens` as every page; rollup where built);
 * - timeouts: failed requests whose error type (or message) names a timeout (TIMEOUT_SQL);
 * - retries: failed model calls followed, in the same trace, by a later successful call of the
 *   same model (the quality page's definition), per model call;
 * - in flight: mean concurrent requests over the bucket = Σ overlap(request, bucket) / width
 *   (Little's law from span intervals), and the peak of the running count of requests started
 *   minus ended (a sweep over start/end events). Requests that started before the window are not
 *   in it, so the first buckets of a window can read low.
 */
export interface LatencySaturationQuery {
  projectId: string;
  from: TimeInput;
  to: TimeInput;
  intervalMs: number;
  filters?: LatencyFilters;
}

export interface SaturationPoint {
  t: number;
  requests: number;
  requestsPerSec: number;
  errors: number;
  timeouts: number;
  modelCalls: number;
  retries: number;
  outputTokensPerSec: number;
  totalTokensPerSec: number;
  /** Mean requests in flight over the bucket. */
  inFlightAvg: number;
  /** Most requests in flight at once within the bucket. */
  inFlightPeak: number;
}

export interface LatencySaturation {
  fromMs: number;
  toMs: number;
  intervalMs: number;
  points: SaturationPoint[];
  /** Window totals (rates = totals / window). */
  totals: { requests: number; errors: number; timeouts: number; modelCalls: number; retries: number; outputTokens: number; totalTokens: number; inFlightPeak: number };
}

/** A request longer than this many buckets adds only its first buckets to the mean in flight (bounds the row count). */
const MAX_BUCKETS_PER_REQUEST = 2000;

export async function latencySaturation(store: Store, q: LatencySaturationQuery): Promise<LatencySaturation> {
  const { from, to } = parseRange(q.from, q.to);
  const I = q.intervalMs;
  if (!Number.isInteger(I) || I < 1000 || I % 1000 !== 0) throw new QueryError('interval', 'interval must be a whole number of seconds (≥ 1s)');
  if ((to.getTime() - from.getTime()) / I > 2000) throw new QueryError('interval', 'at most 2000 time buckets; widen the interval');
  const filters = checkLatencyFilters(q.filters);
  const used = Object.keys(filters);
  const [coverage, rootless] = await Promise.all([rollupCoverage(store, q.projectId, from, to, used), hasRootlessTraces(store, q.projectId, from, to)]);
  const sem = await queryMetrics(store, {
    projectId: q.projectId, from, to, intervalMs: I, filters,
    measures: ['requests', 'errors', 'llm_calls', 'output_tokens', 'total_tokens'],
  }, { coverage, rootless });
  const { withRequest, where } = subjectScope({ projectId: q.projectId, from, to, filters, rootless });
  const requests = sql`SELECT toUnixTimestamp64Milli(start_time) AS s, toUnixTimestamp64Milli(end_time) AS e, ${unsafeRaw(TIMEOUT_SQL)} AS timeout FROM spans FINAL WHERE ${where}`;
  const span = await store.query<{ t: number; timeouts: number; overlap: number }>(sql`${withRequest}SELECT t, sumIf(timeout, first) AS timeouts, sum(least(e, t + ${I}) - greatest(s, t)) AS overlap
    FROM (SELECT s, e, timeout, arrayJoin(arrayMap(i -> (intDiv(s, ${I}) + i) * ${I}, range(toUInt64(least(intDiv(e, ${I}) - intDiv(s, ${I}) + 1, ${MAX_BUCKETS_PER_REQUEST}))))) AS t,
            t = intDiv(s, ${I}) * ${I} AS first
          FROM (${requests}))
    WHERE t >= ${from.getTime()} AND t < ${to.getTime()}
    GROUP BY t`);
  const peak = await store.query<{ t: number; peak: number }>(sql`${withRequest}SELECT intDiv(ts, ${I}) * ${I} AS t, max(c) AS peak
    FROM (SELECT ev.1 AS ts, sum(ev.2) OVER (ORDER BY ev.1, ev.2 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS c
          FROM (SELECT arrayJoin([(s, toInt8(1)), (e, toInt8(-1))]) AS ev FROM (${requests})))
    WHERE ts < ${to.getTime()}
    GROUP BY t`);
  const callConds = join([sql`project_id = ${q.projectId}`, sql`start_time >= ${from}`, sql`start_time < ${to}`, sql`${unsafeRaw(MODEL_CALL_SQL)}`, ...filterConditions(Object.entries(filters))], ' AND ');
  // Only traces with a failed model call can hold a retry: group just those (a semi-join on the
  // failed calls, instead of grouping every model call of the window by trace).
  const retries = await store.query<{ t: number; n: number }>(sql`SELECT intDiv(toUnixTimestamp64Milli(f.1), ${I}) * ${I} AS t, count() AS n
    FROM (SELECT arrayJoin(arrayFilter(x -> x.2 AND arrayExists(y -> y.1 > x.1 AND NOT y.2, calls), calls)) AS f
          FROM (SELECT groupArray((start_time, status_code = 'error')) AS calls FROM spans FINAL
                WHERE ${callConds} AND trace_id IN (SELECT trace_id FROM spans WHERE ${callConds} AND status_code = 'error')
                GROUP BY trace_id, request_model HAVING countIf(status_code = 'error') > 0))
    GROUP BY t`);
  const byT = <T extends { t: number }>(rows: T[]) => new Map(rows.map((r) => [Number(r.t), r]));
  const spanBy = byT(span);
  const peakBy = byT(peak);
  const retryBy = byT(retries);
  const sec = I / 1000;
  const points: SaturationPoint[] = sem.rows.map((r) => {
    const t = Date.parse(String(r.time));
    const sp = spanBy.get(t);
    const requests = Number(r.requests ?? 0);
    return {
      t, requests, requestsPerSec: requests / sec, errors: Number(r.errors ?? 0), timeouts: Number(sp?.timeouts ?? 0),
      modelCalls: Number(r.llm_calls ?? 0), retries: Number(retryBy.get(t)?.n ?? 0),
      outputTokensPerSec: Number(r.output_tokens ?? 0) / sec, totalTokensPerSec: Number(r.total_tokens ?? 0) / sec,
      inFlightAvg: Number(sp?.overlap ?? 0) / I, inFlightPeak: Number(peakBy.get(t)?.peak ?? 0),
    };
  });
  const sum = (f: (p: SaturationPoint) => number) => points.reduce((a, p) => a + f(p), 0);
  return {
    fromMs: from.getTime(), toMs: to.getTime(), intervalMs: I, points,
    totals: {
      requests: sum((p) => p.requests), errors: sum((p) => p.errors), timeouts: sum((p) => p.timeouts), modelCalls: sum((p) => p.modelCalls),
      retries: sum((p) => p.retries), outputTokens: sum((p) => p.outputTokensPerSec * sec), totalTokens: sum((p) => p.totalTokensPerSec * sec),
      inFlightPeak: points.reduce((a, p) => Math.max(a, p.inFlightPeak), 0),
    },
  };
}

export interface ModelSpeedRow {
  model: string;
  calls: number;
  /** Model calls that recorded a time to first token. */
  streamed: number;
  ttftP95Ms: number | null;
  /** Time per output token after the first: (duration − TTFT) / (output tokens − 1), p95, ms. */
  tpotP95Ms: number | null;
}

/** TTFT p95 (semantic layer) and time-per-output-token p95 (raw: no rollup state for it) by model. */
export async function modelSpeed(store: Store, q: Omit<LatencySaturationQuery, 'intervalMs'>): Promise<ModelSpeedRow[]> {
  const { from, to } = parseRange(q.from, q.to);
  const filters = checkLatencyFilters(q.filters);
  const ttft = await queryMetrics(store, { projectId: q.projectId, from, to, filters, groupBy: ['model'], measures: ['llm_calls', 'ttft_p95_ms'], limit: 50 });
  const conds = join([sql`project_id = ${q.projectId}`, sql`start_time >= ${from}`, sql`start_time < ${to}`, sql`${unsafeRaw(MODEL_CALL_SQL)}`, ...filterConditions(Object.entries(filters))], ' AND ');
  const tpot = await store.query<{ model: string; streamed: number; tpot: number | null }>(sql`SELECT request_model AS model, countIf(isNotNull(ttft_ms)) AS streamed,
      quantileExactInclusiveIf(0.95)((duration_ns / 1e6 - assumeNotNull(ttft_ms)) / (output_tokens - 1), isNotNull(ttft_ms) AND output_tokens > 1 AND duration_ns / 1e6 >= assumeNotNull(ttft_ms)) AS tpot
    FROM spans FINAL WHERE ${conds} GROUP BY model`);
  const byModel = new Map(tpot.map((r) => [String(r.model), r]));
  const num = (v: unknown) => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v));
  return ttft.rows.map((r) => {
    const model = String(r.model ?? '');
    const t = byModel.get(model);
    return { model, calls: Number(r.llm_calls ?? 0), streamed: Number(t?.streamed ?? 0), ttftP95Ms: num(r.ttft_p95_ms), tpotP95Ms: t && Number(t.streamed) > 0 ? num(t.tpot) : null };
  });
}
