import { join, param, sql, unsafeRaw, type SqlFragment } from '../sql.ts';
import type { Store } from '../store.ts';
import { parseRange, QueryError, type TimeInput } from '../semantic/errors.ts';
import { decodeCursor, encodeCursor, type TraceCursor } from './cursor.ts';
import { traceSummaries, type TraceListItem } from './summaries.ts';
import { attributeEquals } from '../schema/promoted.ts';
import { COST_SQL, hasRootlessTraces, requestPredicate } from '../semantic/views.ts';

export const TRACE_SORTS = ['startTime', 'durationMs', 'costUsd', 'spanCount', 'totalTokens', 'errorCount'] as const;
export type TraceSort = (typeof TRACE_SORTS)[number];
export const MAX_TRACE_PAGE = 200;

export interface ListTracesQuery {
  projectId: string;
  /** A trace is in the window when its request span (root, or topmost span while the root is missing) starts in [from, to). */
  from: TimeInput;
  to: TimeInput;
  /** Root-span filters (any of the values). */
  service?: readonly string[];
  environment?: readonly string[];
  tenant?: readonly string[];
  requestType?: readonly string[];
  /** Root span's session id (exact). */
  sessionId?: string;
  /** Trace status = root status ('error' or not). */
  status?: 'ok' | 'error';
  minDurationMs?: number;
  /**
   * Filters on any span of the trace. `model`: some span's requested OR served (response) model
   * starts with one of the values (`gpt-4o` matches `gpt-4o-2024-08-06`).
   */
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
  startTime: { expr: 'minIf(toUnixTimestamp64Nano(start_time), is_request)', type: 'Int64' },
  durationMs: { expr: 'maxIf(duration_ns, is_request)', type: 'UInt64' },
  costUsd: { expr: COST_SQL, type: 'Decimal128(12)' },
  spanCount: { expr: 'count()', type: 'UInt64' },
  totalTokens: { expr: 'sumIf(input_tokens + output_tokens, usage_counted)', type: 'UInt64' },
  errorCount: { expr: "countIf(status_code = 'error')", type: 'UInt64' },
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

/**
 * The set of traces a list query selects, as SQL pieces shared by the list and its summary
 * (trace-summary.ts), so the numbers above the table are over exactly the rows in it.
 */
export interface TraceSet {
  pid: string;
  from: Date;
  to: Date;
  /** Conditions on request-span rows (window, request predicate, request-level filters, span filter). */
  rootWhere: SqlFragment[];
  /** The request-level filters alone (evaluated inside per-trace aggregates). */
  rootConds: SqlFragment[];
  /** Trace ids matching every span-level filter, or null. */
  spanFilter: SqlFragment | null;
  rootless: boolean;
  minCostUsd?: number;
}

/** Validates the filters of a list query and builds its TraceSet. */
export async function traceSet(store: Store, q: Omit<ListTracesQuery, 'sort' | 'order' | 'cursor' | 'limit'>): Promise<TraceSet> {
  const { from, to } = parseRange(q.from, q.to);
  if (q.status !== undefined && q.status !== 'ok' && q.status !== 'error') throw new QueryError('status', 'status must be ok or error');
  const minDurationMs = nonNegative(q.minDurationMs, 'minDurationMs');
  const minCostUsd = nonNegative(q.minCostUsd, 'minCostUsd');
  const pid = q.projectId;

  // 1. Request spans (one per trace: the root, or the stand-in while it is missing) in the
  //    window with the cheap, request-level filters.
  const rootless = await hasRootlessTraces(store, pid, new Date(from.getTime() - SKEW_MS), new Date(to.getTime() + TAIL_MS));
  const rootWhere: SqlFragment[] = [sql`project_id = ${pid}`, sql`start_time >= ${from}`, sql`start_time < ${to}`, requestPredicate(pid, from, to, rootless)];
  // The same conditions on the request span alone (per-trace aggregation evaluates them itself).
  const rootConds: SqlFragment[] = [];
  const push = (c: SqlFragment) => {
    rootWhere.push(c);
    rootConds.push(c);
  };
  const list = (col: string, values: string[] | undefined) => values && push(sql`${unsafeRaw(col)} IN ${values}`);
  list('service', nonEmptyList(q.service, 'service'));
  list('environment', nonEmptyList(q.environment, 'environment'));
  list('tenant', nonEmptyList(q.tenant, 'tenant'));
  list('request_type', nonEmptyList(q.requestType, 'requestType'));
  if (q.sessionId !== undefined && q.sessionId !== '') push(sql`session_id = ${String(q.sessionId)}`);
  if (q.status) push(q.status === 'error' ? sql`status_code = 'error'` : sql`status_code != 'error'`);
  if (minDurationMs !== undefined) push(sql`duration_ns >= ${Math.ceil(minDurationMs * 1e6)}`);
  const spanFilter = spanLevelFilter(q, pid, from, to);
  if (spanFilter) rootWhere.push(sql`trace_id IN (${spanFilter})`);
  return { pid, from, to, rootWhere, rootConds, spanFilter, rootless, minCostUsd };
}

/** The trace explorer: one row per trace, keyset-paged. See TraceListItem for the fields. */
export async function listTraces(store: Store, q: ListTracesQuery): Promise<TraceListPage> {
  const sort = q.sort ?? 'startTime';
  if (!TRACE_SORTS.includes(sort)) throw new QueryError('sort', `sort must be one of ${TRACE_SORTS.join(', ')}`);
  const order = q.order ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw new QueryError('order', 'order must be asc or desc');
  const limit = q.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TRACE_PAGE) throw new QueryError('limit', `limit must be an integer in 1..${MAX_TRACE_PAGE}`);
  const set = await traceSet(store, q);
  const cursor = q.cursor ? decodeCursor(q.cursor, sort, order) : undefined;
  const { pid, rootWhere } = set;

  // Start time and duration page over root rows; every other sort aggregates each trace's spans.
  const perTrace = ROOT_SORT_SQL[sort] === undefined || set.minCostUsd !== undefined;
  const found = perTrace
    ? await pageOfAggregates(store, { ...set, sort, order, limit, cursor })
    : await pageOfRoots(store, { rootWhere, sort, order, limit, cursor });

  // 3. Details only for this page's traces.
  const items = await traceSummaries(store, pid, found.rows.map((r) => r.traceId));
  const last = found.rows[found.rows.length - 1];
  const nextCursor = found.more && last ? encodeCursor({ sort, order, value: last.sortValue, traceId: last.traceId, spanId: last.spanId }) : null;
  return { items, nextCursor };
}

interface PageArgs {
  rootWhere: SqlFragment[];
  sort: TraceSort;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: TraceCursor;
}
interface Found {
  rows: { traceId: string; spanId: string; sortValue: string }[];
  more: boolean;
}

/**
 * Root-row sort keys (no aggregation): ORDER BY the bare column (an expression over ~1M roots
 * costs more than the sort); the cursor carries exact integer text, converted back for the keyset.
 */
const ROOT_SORT_SQL: Partial<Record<TraceSort, { column: string; text: string; fromText: (v: string) => SqlFragment }>> = {
  startTime: { column: 'start_time', text: 'toUnixTimestamp64Nano(start_time)', fromText: (v) => sql`fromUnixTimestamp64Nano(${param(v, 'Int64')})` },
  durationMs: { column: 'duration_ns', text: 'duration_ns', fromText: (v) => sql`${param(v, 'UInt64')}` },
};

/**
 * Start-time and duration sorts page over root span rows directly: an ORDER BY … LIMIT over
 * the window's roots, no GROUP BY and no FINAL (a re-delivered root is an exact copy: it can only
 * repeat a row, which the keyset (sort, trace, span) and the per-page de-duplication drop). The
 * numbers shown come from traceSummaries, which reads FINAL. A trace with several root spans
 * (broken instrumentation) is listed once per page, by its first root.
 */
async function pageOfRoots(store: Store, a: PageArgs): Promise<Found> {
  const key = ROOT_SORT_SQL[a.sort]!;
  const where = [...a.rootWhere];
  const dir = unsafeRaw(a.order === 'desc' ? 'DESC' : 'ASC');
  if (a.cursor) {
    const cmp = unsafeRaw(a.order === 'desc' ? '<' : '>');
    where.push(sql`(${unsafeRaw(key.column)}, trace_id, span_id) ${cmp} (${key.fromText(a.cursor.value)}, ${a.cursor.traceId}, ${a.cursor.spanId})`);
  }
  const cap = a.limit * 2 + 1;
  const raw = await store.query<{ traceId: string; spanId: string; sortValue: string }>(sql`SELECT trace_id AS traceId, span_id AS spanId,
      toString(${unsafeRaw(key.text)}) AS sortValue
    FROM spans WHERE ${join(where, ' AND ')}
    ORDER BY ${unsafeRaw(key.column)} ${dir}, trace_id ${dir}, span_id ${dir}
    LIMIT ${cap}`);
  const seen = new Set<string>();
  const rows: Found['rows'] = [];
  for (const r of raw) {
    if (seen.has(r.traceId)) continue;
    seen.add(r.traceId);
    rows.push(r);
  }
  return { rows: rows.slice(0, a.limit), more: rows.length > a.limit || raw.length === cap };
}

/**
 * HAVING conditions (over one trace's spans, GROUP BY trace_id) for "this trace is in the set":
 * its request span starts in the window and passes the request filters — its root, checked
 * inside the aggregate (no 10⁵-id IN set), or, root missing or remote, its head (a small set:
 * rootless traces are rare) — and its cost is at least minCostUsd.
 */
export function traceSetHaving(a: TraceSet): SqlFragment[] {
  const conds = a.rootConds.length ? sql` AND ${join(a.rootConds, ' AND ')}` : sql``;
  const rootless = a.rootless
    ? sql` OR trace_id IN (SELECT trace_id FROM spans
        WHERE project_id = ${a.pid} AND start_time >= ${a.from} AND start_time < ${a.to} AND NOT empty(parent_span_id)
          AND ${requestPredicate(a.pid, a.from, a.to, true)}${conds})`
    : sql``;
  const having: SqlFragment[] = [sql`(countIf(empty(parent_span_id) AND start_time >= ${a.from} AND start_time < ${a.to}${conds}) > 0${rootless})`];
  if (a.minCostUsd !== undefined) having.push(sql`sumIf(cost_usd, usage_counted) >= ${param(a.minCostUsd.toFixed(12), 'Decimal128(12)')}`);
  return having;
}

/** The span rows a per-trace aggregate reads: the skew/tail-widened window, the span filter. */
export function traceSetSpans(a: TraceSet): SqlFragment {
  const lo = new Date(a.from.getTime() - SKEW_MS);
  const hi = new Date(a.to.getTime() + TAIL_MS);
  return sql`project_id = ${a.pid} AND start_time >= ${lo} AND start_time < ${hi}${a.spanFilter ? sql` AND trace_id IN (${a.spanFilter})` : sql``}`;
}

/** Sorts other than start time / duration (and minCostUsd) need every span of each candidate trace. */
async function pageOfAggregates(store: Store, a: PageArgs & TraceSet): Promise<Found> {
  const key = SORT_SQL[a.sort];
  const having = traceSetHaving(a);
  if (a.cursor) {
    const cmp = unsafeRaw(a.order === 'desc' ? '<' : '>');
    having.push(sql`(sort_key, trace_id) ${cmp} (${param(a.cursor.value, key.type)}, ${a.cursor.traceId})`);
  }
  const dir = unsafeRaw(a.order === 'desc' ? 'DESC' : 'ASC');
  const lo = new Date(a.from.getTime() - SKEW_MS);
  const hi = new Date(a.to.getTime() + TAIL_MS);
  const withRequest = a.sort === 'startTime' || a.sort === 'durationMs' ? sql`WITH ${requestPredicate(a.pid, lo, hi, a.rootless)} AS is_request ` : sql``;
  const page = await store.query<{ traceId: string; sortValue: string }>(sql`${withRequest}SELECT trace_id AS traceId, ${unsafeRaw(key.expr)} AS sort_key, toString(sort_key) AS sortValue
    FROM spans FINAL
    WHERE ${traceSetSpans(a)}
    GROUP BY trace_id
    HAVING ${join(having, ' AND ')}
    ORDER BY sort_key ${dir}, trace_id ${dir}
    LIMIT ${a.limit + 1}`);
  return { rows: page.slice(0, a.limit).map((r) => ({ ...r, spanId: '' })), more: page.length > a.limit };
}

/** Trace ids with spans matching every span-level filter, or null when there is none. */
/**
 * A model filter value matches a model name that is the value itself or one of its versions: the
 * value followed by `-` and a digit (`gpt-4o` → `gpt-4o-2024-08-06`, `claude-sonnet-4` →
 * `claude-sonnet-4-20250514`), never a sibling that merely shares the prefix (`gpt-4o` ✗
 * `gpt-4o-mini`), so a link from a model's row opens that model's traces. A value ending in `*`
 * is a plain prefix (`claude*`).
 */
export function modelFamilyMatch(column: string, value: string): SqlFragment {
  const col = unsafeRaw(column);
  if (value.endsWith('*')) return sql`startsWith(${col}, ${value.slice(0, -1)})`;
  const next = sql`substring(${col}, length(${value}) + 2, 1)`;
  return sql`(${col} = ${value} OR (startsWith(${col}, ${`${value}-`}) AND ${next} >= '0' AND ${next} <= '9'))`;
}

function spanLevelFilter(q: Omit<ListTracesQuery, 'sort' | 'order' | 'cursor' | 'limit'>, pid: string, from: Date, to: Date): SqlFragment | null {
  const conds: SqlFragment[] = [];
  const models = nonEmptyList(q.model, 'model');
  const agents = nonEmptyList(q.agent, 'agent');
  // The empty value is the empty group of the semantic layer: a model call (usage-counted span)
  // that names no model / runs in no agent — not "some span lacks it", which every root does.
  const withEmpty = (values: string[], named: (v: string[]) => SqlFragment, empty: SqlFragment) => {
    const given = values.filter((v) => v !== '');
    if (given.length === values.length) return named(values);
    return given.length ? sql`(${named(given)} OR ${empty})` : empty;
  };
  // Requested or served model, as a family (modelFamilyMatch): `gpt-4o` finds its snapshots.
  if (models) {
    conds.push(withEmpty(models,
      (ms) => sql`(${join(ms.map((m) => sql`${modelFamilyMatch('request_model', m)} OR ${modelFamilyMatch('response_model', m)}`), ' OR ')})`,
      sql`(usage_counted AND request_model = '')`));
  }
  if (agents) conds.push(withEmpty(agents, (as) => sql`agent_name IN ${as}`, sql`(usage_counted AND agent_name = '')`));
  for (const [k, v] of Object.entries(q.attributes ?? {})) {
    if (typeof v !== 'string' || k === '') throw new QueryError(`attributes`, 'attribute filters must be key=value strings');
    // Span attributes (promoted ones through their column), or the span's resource: a semi-join
    // on span_resources (one row per resource), only when this filter is used.
    conds.push(sql`(${attributeEquals(k, v)} OR resource_hash IN (SELECT resource_hash FROM span_resources WHERE project_id = ${pid} AND attributes[${k}] = ${v}))`);
  }
  if (q.text !== undefined && q.text.trim() !== '') conds.push(sql`positionCaseInsensitiveUTF8(name, ${q.text.trim()}) > 0`);
  if (conds.length === 0) return null;
  // Existence only, so no FINAL: a re-delivered copy matches exactly when the original does.
  // One condition needs no GROUP BY (IN builds a set anyway); several must each hold on some span.
  const range = sql`project_id = ${pid} AND start_time >= ${new Date(from.getTime() - SKEW_MS)} AND start_time < ${new Date(to.getTime() + TAIL_MS)}`;
  if (conds.length === 1) return sql`SELECT trace_id FROM spans WHERE ${range} AND ${conds[0]!}`;
  return sql`SELECT trace_id FROM spans
    WHERE project_id = ${pid} AND start_time >= ${new Date(from.getTime() - SKEW_MS)} AND start_time < ${new Date(to.getTime() + TAIL_MS)}
      AND (${join(conds, ' OR ')})
    GROUP BY trace_id
    HAVING ${join(conds.map((c) => sql`max(${c})`), ' AND ')}`;
}
