import { rewriteSpans, type RewriteResult } from './rewrite.ts';
import { param, sql } from './sql.ts';
import type { Store } from './store.ts';

/**
 * Late trace context, corrected from the store (issue 6, defect 4).
 *
 * Every insert into `spans` feeds `trace_context` (materialized view, migration 0006): per trace,
 * the best value any stored span offers for each context field, whether some stored row lacks
 * it, whether some row was written unresolved, the start-time range of the rows, and when it was
 * last updated / checked. A trace NEEDS a correction when some row lacks a field its trace knows
 * (or is unresolved while the trace is resolved) and it was updated after it was last checked.
 * That is durable (the store, not a collector's memory), works whichever collector saw which
 * span, survives restarts and evictions, and is idempotent: the rewrite only fills what is
 * missing, so running it twice, or racing a duplicate delivery, converges (a row that still
 * lacks context makes its trace a candidate again via the view).
 */

export interface TraceContextValues {
  tenant: string;
  requestType: string;
  sessionId: string;
  userId: string;
  route: string;
}

export interface PendingCorrection {
  projectId: string;
  traceId: string;
  context: TraceContextValues;
  /** Some row of the trace was written with its context resolved (root seen, or tenant + request type). */
  resolved: boolean;
  fromNs: bigint;
  toNs: bigint;
  /** `max(updated_at)` in epoch ms (server clock): what the check row records. */
  updatedMs: number;
}

interface CandidateRow {
  project_id: string;
  trace_id: string;
  c_tenant: string;
  c_request_type: string;
  c_session_id: string;
  c_user_id: string;
  c_route: string;
  c_resolved: number;
  c_from: string;
  c_to: string;
  c_updated: string;
}

/** Some row lacks a field the trace knows, or is unresolved while the trace is resolved. */
const NEEDS = sql`
  (max(tenant_missing) = 1 AND tupleElement(max(tenant), 1) > 0)
  OR (max(request_type_missing) = 1 AND tupleElement(max(request_type), 1) > 0)
  OR (max(session_id_missing) = 1 AND tupleElement(max(session_id), 1) > 0)
  OR (max(user_id_missing) = 1 AND tupleElement(max(user_id), 1) > 0)
  OR (max(route_missing) = 1 AND tupleElement(max(route), 1) > 0)
  OR (max(unresolved) = 1 AND max(resolved) = 1)`;

/**
 * Traces that need a correction, oldest update first, among those updated at or after `sinceMs`
 * (epoch ms; the scan uses the updated_at partitions and index).
 */
export async function pendingCorrections(store: Store, sinceMs: number, limit: number): Promise<PendingCorrection[]> {
  const rows = await store.query<CandidateRow>(sql`
    SELECT
      project_id,
      trace_id,
      tupleElement(max(tenant), 3) AS c_tenant,
      tupleElement(max(request_type), 3) AS c_request_type,
      tupleElement(max(session_id), 3) AS c_session_id,
      tupleElement(max(user_id), 3) AS c_user_id,
      tupleElement(max(route), 3) AS c_route,
      max(resolved) AS c_resolved,
      toString(toUnixTimestamp64Nano(min(min_start))) AS c_from,
      toString(toUnixTimestamp64Nano(max(max_start))) AS c_to,
      toString(toUnixTimestamp64Milli(max(updated_at))) AS c_updated
    FROM trace_context
    WHERE (project_id, trace_id) IN (
      SELECT project_id, trace_id FROM trace_context
      WHERE updated_at >= fromUnixTimestamp64Milli(${param(sinceMs, 'Int64')})
    )
    GROUP BY project_id, trace_id
    HAVING max(updated_at) > max(checked_at) AND (${NEEDS})
    ORDER BY max(updated_at)
    LIMIT ${param(limit, 'UInt32')}`);
  return rows.map((r) => ({
    projectId: r.project_id,
    traceId: r.trace_id,
    context: { tenant: r.c_tenant, requestType: r.c_request_type, sessionId: r.c_session_id, userId: r.c_user_id, route: r.c_route },
    resolved: Number(r.c_resolved) === 1,
    fromNs: BigInt(r.c_from),
    toNs: BigInt(r.c_to),
    updatedMs: Number(r.c_updated),
  }));
}

/**
 * Rewrites the rows of one trace that lack context the trace has (through rewrite.ts: a copy
 * with a higher `_version`, rollup hours marked). Fills only empty fields: a span's own value is
 * never overwritten. Idempotent: a second run finds nothing to rewrite.
 */
export async function correctTrace(store: Store, c: PendingCorrection, nowMs: number = Date.now()): Promise<RewriteResult> {
  const x = c.context;
  return rewriteSpans(
    store,
    {
      projectId: c.projectId,
      fromNs: c.fromNs,
      toNs: c.toNs,
      where: sql`trace_id = ${c.traceId} AND (
        (tenant = '' AND ${x.tenant} != '')
        OR (request_type = '' AND ${x.requestType} != '')
        OR (session_id = '' AND ${x.sessionId} != '')
        OR (user_id = '' AND ${x.userId} != '')
        OR (route = '' AND ${x.route} != '')
        OR (NOT context_resolved AND ${c.resolved}))`,
      set: {
        tenant: sql`if(tenant = '', ${x.tenant}, tenant)`,
        request_type: sql`if(request_type = '', ${x.requestType}, request_type)`,
        session_id: sql`if(session_id = '', ${x.sessionId}, session_id)`,
        user_id: sql`if(user_id = '', ${x.userId}, user_id)`,
        route: sql`if(route = '', ${x.route}, route)`,
        context_resolved: sql`context_resolved OR ${c.resolved}`,
      },
    },
    nowMs,
  );
}

/**
 * Records that these traces were checked up to the update they were read at. A later insert of
 * any of their spans (another collector, a duplicate, the rewrite itself) updates the trace
 * again, so it is looked at again: nothing is lost between the read and this write.
 */
export async function markCorrectionsChecked(store: Store, done: readonly PendingCorrection[]): Promise<void> {
  if (done.length === 0) return;
  await store.command(sql`
    INSERT INTO trace_context (project_id, trace_id, min_start, max_start, updated_at, checked_at)
    SELECT p, t, fromUnixTimestamp64Nano(toInt64(lo)), fromUnixTimestamp64Nano(toInt64(hi)), fromUnixTimestamp64Milli(u), fromUnixTimestamp64Milli(u)
    FROM (
      SELECT
        ${done.map((c) => c.projectId)} AS p,
        ${done.map((c) => c.traceId)} AS t,
        -- Nanoseconds as decimal strings: a bigint array parameter does not bind as Array(Int64).
        ${done.map((c) => c.fromNs.toString())} AS lo,
        ${done.map((c) => c.toNs.toString())} AS hi,
        ${param(done.map((c) => c.updatedMs), 'Array(Int64)')} AS u
    )
    ARRAY JOIN p, t, lo, hi, u`);
}

/** The store's clock (epoch ms): `updated_at` is stamped by it, so watermarks use it too. */
export async function storeNowMs(store: Store): Promise<number> {
  const [row] = await store.query<{ now: string }>(sql`SELECT toString(toUnixTimestamp64Milli(now64(3))) AS now`);
  return Number(row?.now ?? Date.now());
}

/** Traces needing a correction whose last update is older than `olderThanMs` (a stuck backlog). */
export async function correctionBacklog(store: Store, sinceMs: number, olderThanMs: number, nowMs: number = Date.now()): Promise<number> {
  const [row] = await store.query<{ n: string }>(sql`
    SELECT count() AS n FROM (
      SELECT project_id, trace_id FROM trace_context
      WHERE (project_id, trace_id) IN (
        SELECT project_id, trace_id FROM trace_context
        WHERE updated_at >= fromUnixTimestamp64Milli(${param(sinceMs, 'Int64')})
      )
      GROUP BY project_id, trace_id
      HAVING max(updated_at) > max(checked_at)
        AND max(updated_at) < fromUnixTimestamp64Milli(${param(nowMs - olderThanMs, 'Int64')})
        AND (${NEEDS})
    )`);
  return Number(row?.n ?? 0);
}
