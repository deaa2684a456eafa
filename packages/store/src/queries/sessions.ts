import { join, param, sql, unsafeRaw, type SqlFragment } from '../sql.ts';
import type { Store } from '../store.ts';
import { isoFromMicros, parseRange, QueryError, type TimeInput } from '../semantic/errors.ts';
import { COST_SQL } from '../semantic/views.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

export const SESSION_SORTS = ['lastSeen', 'firstSeen', 'traces', 'costUsd', 'errors'] as const;
export type SessionSort = (typeof SESSION_SORTS)[number];
export const MAX_SESSION_PAGE = 200;

export interface ListSessionsQuery {
  projectId: string;
  /** Activity window: only spans starting in [from, to) are counted (a session's part in it). */
  from: TimeInput;
  to: TimeInput;
  /** A session matches when some span in the window has one of the values. */
  tenant?: readonly string[];
  user?: readonly string[];
  service?: readonly string[];
  environment?: readonly string[];
  /** Case-insensitive substring of the session id. */
  q?: string;
  /** 'error': sessions with at least one failed trace (root status error); 'ok': none. */
  status?: 'ok' | 'error';
  sort?: SessionSort;
  order?: 'asc' | 'desc';
  cursor?: string;
  /** 1..200, default 50. */
  limit?: number;
}

/** One session (conversation) over the window: its traces, time span, tenant, cost and errors. */
export interface SessionListItem {
  sessionId: string;
  /** Distinct traces with a span in the window. */
  traces: number;
  spans: number;
  /** First span start / last span end in the window, ISO with µs. */
  firstSeen: string;
  lastSeen: string;
  /** lastSeen − firstSeen, ms (wall-clock length of the session's activity in the window). */
  durationMs: number;
  /** Tenant (the most frequent non-empty one; '' when none) and how many distinct tenants. */
  tenant: string;
  tenantCount: number;
  userId: string;
  /** Traces whose root span failed, and spans with error status (some may have been recovered). */
  errorTraces: number;
  errorSpans: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  costUsdExact: string;
  /** Usage-counted spans whose model matched no price: their cost is unknown (not in costUsd). */
  unpricedSpans: number;
}

export interface SessionListPage {
  items: SessionListItem[];
  /** Sessions matching the query in the window (all pages). */
  total: number;
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Sort keys as aggregates over a session's spans, with exact types so keyset comparisons are exact. */
const SORT_SQL: Record<SessionSort, { expr: string; type: string }> = {
  lastSeen: { expr: 'max(toUnixTimestamp64Nano(end_time))', type: 'Int64' },
  firstSeen: { expr: 'min(toUnixTimestamp64Nano(start_time))', type: 'Int64' },
  traces: { expr: 'uniqExact(trace_id)', type: 'UInt64' },
  costUsd: { expr: COST_SQL, type: 'Decimal128(12)' },
  errors: { expr: "uniqExactIf(trace_id, empty(parent_span_id) AND status_code = 'error')", type: 'UInt64' },
};

function list(v: readonly string[] | undefined, field: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new QueryError(field, `${field} must be a list of strings`);
  return v.length ? [...v] : undefined;
}

interface Raw extends Omit<SessionListItem, 'firstSeen' | 'lastSeen' | 'costUsd' | 'costUsdExact' | 'tenant'> {
  topTenant: string;
  firstUs: number;
  lastUs: number;
  costText: string;
  sortValue: string;
  total: number;
}

/**
 * Sessions (spans carrying a session id; the collector copies a trace's session onto all its
 * spans) grouped by session id over the window, keyset-paged on (sort value, session id). Reads
 * spans FINAL so a re-delivered span counts once. Filters are "some span matches" (HAVING), so
 * the numbers of a matching session are always all of its spans in the window.
 */
export async function listSessions(store: Store, q: ListSessionsQuery): Promise<SessionListPage> {
  const { from, to } = parseRange(q.from, q.to);
  const sort = q.sort ?? 'lastSeen';
  if (!SESSION_SORTS.includes(sort)) throw new QueryError('sort', `sort must be one of ${SESSION_SORTS.join(', ')}`);
  const order = q.order ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw new QueryError('order', 'order must be asc or desc');
  const limit = q.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SESSION_PAGE) throw new QueryError('limit', `limit must be an integer in 1..${MAX_SESSION_PAGE}`);
  if (q.status !== undefined && q.status !== 'ok' && q.status !== 'error') throw new QueryError('status', 'status must be ok or error');
  const cursor = q.cursor ? decodeCursor(q.cursor, sort, order) : undefined;

  const where: SqlFragment[] = [sql`project_id = ${q.projectId}`, sql`start_time >= ${from}`, sql`start_time < ${to}`, sql`session_id != ''`];
  if (q.q) where.push(sql`positionCaseInsensitiveUTF8(session_id, ${String(q.q)}) > 0`);
  const having: SqlFragment[] = [];
  const some = (col: string, values: string[] | undefined) => values && having.push(sql`countIf(${unsafeRaw(col)} IN ${values}) > 0`);
  some('tenant', list(q.tenant, 'tenant'));
  some('user_id', list(q.user, 'user'));
  some('service', list(q.service, 'service'));
  some('environment', list(q.environment, 'environment'));
  if (q.status) having.push(sql`${unsafeRaw(SORT_SQL.errors.expr)} ${unsafeRaw(q.status === 'error' ? '> 0' : '= 0')}`);

  const key = SORT_SQL[sort];
  const dir = unsafeRaw(order === 'desc' ? 'DESC' : 'ASC');
  const after = cursor
    ? sql`WHERE (sort_key, sessionId) ${unsafeRaw(order === 'desc' ? '<' : '>')} (${param(cursor.value, key.type)}, ${cursor.traceId})`
    : sql``;
  // count() OVER () is taken before the cursor cut, so every page reports the same total.
  const rows = await store.query<Raw>(sql`SELECT * FROM (
      SELECT session_id AS sessionId,
        ${unsafeRaw(key.expr)} AS sort_key,
        toString(sort_key) AS sortValue,
        uniqExact(trace_id) AS traces,
        count() AS spans,
        toUnixTimestamp64Micro(min(start_time)) AS firstUs,
        toUnixTimestamp64Micro(max(end_time)) AS lastUs,
        (max(toUnixTimestamp64Nano(end_time)) - min(toUnixTimestamp64Nano(start_time))) / 1e6 AS durationMs,
        topKIf(1)(tenant, tenant != '')[1] AS topTenant,
        uniqExactIf(tenant, tenant != '') AS tenantCount,
        topKIf(1)(user_id, user_id != '')[1] AS userId,
        ${unsafeRaw(SORT_SQL.errors.expr)} AS errorTraces,
        countIf(status_code = 'error') AS errorSpans,
        sumIf(input_tokens, usage_counted) AS inputTokens,
        sumIf(output_tokens, usage_counted) AS outputTokens,
        toString(${unsafeRaw(COST_SQL)}) AS costText,
        countIf(usage_counted AND pricing_status = 'unpriced') AS unpricedSpans,
        count() OVER () AS total
      FROM spans FINAL
      WHERE ${join(where, ' AND ')}
      GROUP BY session_id
      ${having.length ? sql`HAVING ${join(having, ' AND ')}` : sql``}
    ) ${after}
    ORDER BY sort_key ${dir}, sessionId ${dir}
    LIMIT ${limit + 1}`);

  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const total = Number(rows[0]?.total ?? (cursor ? await countSessions(store, where, having) : 0));
  return {
    items: page.map(({ firstUs, lastUs, costText, topTenant, sortValue: _s, total: _t, ...r }) => ({
      ...r,
      tenant: topTenant,
      traces: Number(r.traces),
      spans: Number(r.spans),
      tenantCount: Number(r.tenantCount),
      errorTraces: Number(r.errorTraces),
      errorSpans: Number(r.errorSpans),
      inputTokens: Number(r.inputTokens),
      outputTokens: Number(r.outputTokens),
      unpricedSpans: Number(r.unpricedSpans),
      durationMs: Number(r.durationMs),
      firstSeen: isoFromMicros(Number(firstUs)),
      lastSeen: isoFromMicros(Number(lastUs)),
      costUsd: Number(costText),
      costUsdExact: costText,
    })),
    total,
    nextCursor: rows.length > limit && last ? encodeCursor({ sort, order, value: last.sortValue, traceId: last.sessionId, spanId: '' }) : null,
  };
}

/** The total when a cursor page past the end came back empty (the window count is gone with it). */
async function countSessions(store: Store, where: SqlFragment[], having: SqlFragment[]): Promise<number> {
  const r = await store.query<{ n: number }>(sql`SELECT count() AS n FROM (SELECT session_id FROM spans FINAL
    WHERE ${join(where, ' AND ')} GROUP BY session_id ${having.length ? sql`HAVING ${join(having, ' AND ')}` : sql``})`);
  return Number(r[0]?.n ?? 0);
}
