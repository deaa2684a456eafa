import type { Store } from '../store.ts';
import { join, sql, unsafeRaw } from '../sql.ts';
import { filterConditions } from '../semantic/compile.ts';
import { parseRange, type TimeInput } from '../semantic/errors.ts';
import { checkLatencyFilters, type LatencyFilters } from './latency-percentiles.ts';
import { MODEL_CALL_SQL, THROTTLED_SQL } from './latency-spans.ts';

/**
 * Dependency health of external LLM APIs (issue 10 item 5): per provider and endpoint (the
 * call's `server.address`, else '' = unknown endpoint), over model calls (usage-counted llm
 * spans, as the `llm_calls` measure): error rate, throttling (429) rate (THROTTLED_SQL), exact
 * p50/p95 latency (R-7, as raw reads of the semantic layer) and truncated responses (finish
 * reason `length`) among calls that reported a finish reason.
 */
export interface DependencyHealthRow {
  provider: string;
  endpoint: string;
  calls: number;
  errors: number;
  throttled: number;
  /** Calls that reported a finish reason (the truncation rate's denominator). */
  finished: number;
  truncated: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface DependencyHealthQuery {
  projectId: string;
  from: TimeInput;
  to: TimeInput;
  filters?: LatencyFilters;
}

/** The endpoint of a call: host (and port when given) of the server it called. */
const ENDPOINT_SQL = "if(attributes['server.port'] != '', concat(attributes['server.address'], ':', attributes['server.port']), attributes['server.address'])";

export async function dependencyHealth(store: Store, q: DependencyHealthQuery): Promise<DependencyHealthRow[]> {
  const { from, to } = parseRange(q.from, q.to);
  const filters = checkLatencyFilters(q.filters);
  const conds = join([sql`project_id = ${q.projectId}`, sql`start_time >= ${from}`, sql`start_time < ${to}`, sql`${unsafeRaw(MODEL_CALL_SQL)}`, ...filterConditions(Object.entries(filters))], ' AND ');
  const rows = await store.query<Record<string, unknown>>(sql`SELECT provider, ${unsafeRaw(ENDPOINT_SQL)} AS endpoint, count() AS calls,
      countIf(status_code = 'error') AS errors, countIf(${unsafeRaw(THROTTLED_SQL)}) AS throttled,
      countIf(finish_reason != '') AS finished, countIf(finish_reason = 'length') AS truncated,
      quantilesExactInclusive(0.5, 0.95)(duration_ns / 1e6) AS q
    FROM spans FINAL WHERE ${conds}
    GROUP BY provider, endpoint ORDER BY calls DESC, provider, endpoint LIMIT 200`);
  return rows.map((r) => {
    const qs = (r.q as number[] | undefined) ?? [];
    return {
      provider: String(r.provider), endpoint: String(r.endpoint), calls: Number(r.calls), errors: Number(r.errors), throttled: Number(r.throttled),
      finished: Number(r.finished), truncated: Number(r.truncated), p50Ms: qs[0] ?? null, p95Ms: qs[1] ?? null,
    };
  });
}
