import { join, param, sql, unsafeRaw, type SqlFragment } from '../sql.ts';
import type { Store } from '../store.ts';
import { parseRange, QueryError, type TimeInput } from '../semantic/errors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { traceSummaries, type TraceListItem } from './summaries.ts';

export const TRACE_SORTS = ['startTime', 'durationMs', 'costUsd', 'spanCount'] as const;
export type TraceSort = (typeof TRACE_SORTS)[number];
export const MAX_TRACE_PAGE = 200;

export interface ListTracesQuery {
  projectId: string;
  /** A trace is in the window when its root span starts in [from, to). */
  from: TimeInput;
  to: TimeInput;
  /** Root-span filters (any of the values). */
  service?: readonly string[];
  tenant?: readonly string[];
  requestType?: readonly string[];
  /** Root span's session id (exact). */
  sessionId?: string;
  /** Trace status = root status ('error' or not). */
  status?: 'ok' | 'error';
  minDurationMs?: number;
  /** Filters on any span of the trace. */
  model?: readonly string[];
  agent?: readonly string[];
  /** Every key=value must hold on some span (span or resource attributes). */
  attributes?: Readonly<Record<string, string>>;
  /** Case-insensitive substring of some span name. */
  text?: string;
  /** Σ cost of the trace ≥ this (USD). */
  minCostUsd?: number;
  sort?: TraceSort;
  order?: 'asc' | 'desc';
  cursor?: string;
  /** 1..200, default 50. */
  limit?: number;
}

export interface TraceListPage {
  items: TraceListItem[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * Spans of a trace may start slightly before its root (clock skew between services) and long
 * after the window ends (a trace rooted at to − 1 s): span-level filters and per-trace sums look
 * at [from − SKEW, to + TAIL). Traces longer than TAIL are still listed; only their spans after
 * the tail do not count for `minCostUsd` / cost sorting / span filters.
 */
const SKEW_MS = 5 * 60_000;
const TAIL_MS = 60 * 60_000;

/** Sort keys as aggregates over a trace's spans; exact types so keyset comparisons are exact. */
const SORT_SQL: Record<TraceSort, { expr: string; type: string }> = {
  startTime: { expr: "minIf(toUnixTimestamp64Nano(start_time), parent_span_id = '')", type: 'Int64' },
  durationMs: { expr: "maxIf(duration_ns, parent_span_id = '')", type: 'UInt64' },
  costUsd: { expr: 'sumIf(cost_usd, usage_counted)', type: 'Decimal128(12)' },
  spanCount: { expr: 'count()', type: 'UInt64' },
};

function nonEmptyList(v: readonly string[] | undefined, field: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new QueryError(field, `${field} must be a list of strings`);
  return v.length ? [...v] : undefined;
}

function nonNegative(v: number | undefined, field: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new QueryError(field, `${field} must be a non-negative number`);
  return v;
}

/** The trace explorer: one row per trace, keyset-paged. See TraceListItem for the fields. */
export async function listTraces(store: Store, q: ListTracesQuery): Promise<TraceListPage> {
  const { from, to } = parseRange(q.from, q.to);
  const sort = q.sort ?? 'startTime';
  if (!TRACE_SORTS.includes(sort)) throw new QueryError('sort', `sort must be one of ${TRACE_SORTS.join(', ')}`);
  const order = q.order ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw new QueryError('order', 'order must be asc or desc');
  const limit = q.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TRACE_PAGE) throw new QueryError('limit', `limit must be an integer in 1..${MAX_TRACE_PAGE}`);
  if (q.status !== undefined && q.status !== 'ok' && q.status !== 'error') throw new QueryError('status', 'status must be ok or error');
  const minDurationMs = nonNegative(q.minDurationMs, 'minDurationMs');
  const minCostUsd = nonNegative(q.minCostUsd, 'minCostUsd');
  const cursor = q.cursor ? decodeCursor(q.cursor, sort, order) : undefined;
  const pid = q.projectId;

  // 1. Root spans in the window with the cheap, root-level filters.
  const rootWhere: SqlFragment[] = [sql`project_id = ${pid}`, sql`start_time >= ${from}`, sql`start_time < ${to}`, sql`parent_span_id = ''`];
  const list = (col: string, values: string[] | undefined) => values && rootWhere.push(sql`${unsafeRaw(col)} IN ${values}`);
  list('service', nonEmptyList(q.service, 'service'));
  list('tenant', nonEmptyList(q.tenant, 'tenant'));
  list('request_type', nonEmptyList(q.requestType, 'requestType'));
  if (q.sessionId !== undefined && q.sessionId !== '') rootWhere.push(sql`session_id = ${String(q.sessionId)}`);
  if (q.status) rootWhere.push(q.status === 'error' ? sql`status_code = 'error'` : sql`status_code != 'error'`);
  if (minDurationMs !== undefined) rootWhere.push(sql`duration_ns >= ${Math.ceil(minDurationMs * 1e6)}`);
  const spanFilter = spanLevelFilter(q, pid, from, to);
  if (spanFilter) rootWhere.push(sql`trace_id IN (${spanFilter})`);

  // 2. Sort keys: root-only sorts come from the root rows; cost and span count need every span.
  const key = SORT_SQL[sort];
  const perTrace = sort === 'costUsd' || sort === 'spanCount' || minCostUsd !== undefined;
  const having: SqlFragment[] = [];
  if (minCostUsd !== undefined) having.push(sql`sumIf(cost_usd, usage_counted) >= ${param(minCostUsd.toFixed(12), 'Decimal128(12)')}`);
  if (perTrace) having.push(sql`countIf(parent_span_id = '') > 0`);
  if (cursor) {
    const cmp = unsafeRaw(order === 'desc' ? '<' : '>');
    having.push(sql`(sort_key, trace_id) ${cmp} (${param(cursor.value, key.type)}, ${cursor.traceId})`);
  }
  const source = perTrace
    ? sql`FROM spans FINAL
        WHERE project_id = ${pid} AND start_time >= ${new Date(from.getTime() - SKEW_MS)} AND start_time < ${new Date(to.getTime() + TAIL_MS)}
          AND trace_id IN (SELECT trace_id FROM spans FINAL WHERE ${join(rootWhere, ' AND ')})`
    : sql`FROM spans FINAL WHERE ${join(rootWhere, ' AND ')}`;
  const dir = unsafeRaw(order === 'desc' ? 'DESC' : 'ASC');
  const page = await store.query<{ traceId: string; sortValue: string }>(sql`SELECT trace_id AS traceId, ${unsafeRaw(key.expr)} AS sort_key, toString(sort_key) AS sortValue
    ${source}
    GROUP BY trace_id
    ${having.length ? sql`HAVING ${join(having, ' AND ')}` : sql``}
    ORDER BY sort_key ${dir}, trace_id ${dir}
    LIMIT ${limit + 1}`);

  // 3. Details only for this page's traces.
  const rows = page.slice(0, limit);
  const items = await traceSummaries(store, pid, rows.map((r) => r.traceId));
  const last = rows[rows.length - 1];
  const nextCursor = page.length > limit && last ? encodeCursor({ sort, order, value: last.sortValue, traceId: last.traceId }) : null;
  return { items, nextCursor };
}

/** Trace ids with spans matching every span-level filter, or null when there is none. */
function spanLevelFilter(q: ListTracesQuery, pid: string, from: Date, to: Date): SqlFragment | null {
  const conds: SqlFragment[] = [];
  const models = nonEmptyList(q.model, 'model');
  const agents = nonEmptyList(q.agent, 'agent');
  if (models) conds.push(sql`request_model IN ${models}`);
  if (agents) conds.push(sql`agent_name IN ${agents}`);
  for (const [k, v] of Object.entries(q.attributes ?? {})) {
    if (typeof v !== 'string' || k === '') throw new QueryError(`attributes`, 'attribute filters must be key=value strings');
    conds.push(sql`(attributes[${k}] = ${v} OR resource_attributes[${k}] = ${v})`);
  }
  if (q.text !== undefined && q.text.trim() !== '') conds.push(sql`positionCaseInsensitiveUTF8(name, ${q.text.trim()}) > 0`);
  if (conds.length === 0) return null;
  // Existence only, so no FINAL: a re-delivered copy matches exactly when the original does.
  return sql`SELECT trace_id FROM spans
    WHERE project_id = ${pid} AND start_time >= ${new Date(from.getTime() - SKEW_MS)} AND start_time < ${new Date(to.getTime() + TAIL_MS)}
      AND (${join(conds, ' OR ')})
    GROUP BY trace_id
    HAVING ${join(conds.map((c) => sql`max(${c})`), ' AND ')}`;
}
