import { join, sql, unsafeRaw, type SqlFragment } from '../sql.ts';
import type { Store } from '../store.ts';

/**
 * The semantic layer's sources, declared once. A view says where its rows come from (table and
 * whether it must be read FINAL), its time column, which dimensions it can group by, which
 * measure SQL applies (`expr` over raw rows, `rollup` over aggregate states; see catalog.ts) and
 * the joins it needs. The compiler (compile.ts) reads only these declarations; adding a metrics
 * or scores view is a new declaration plus its measures.
 */
export interface ViewDef {
  name: string;
  source: { table: string; final: boolean };
  /** The column time ranges apply to. */
  timeColumn: string;
  /** Hour-aligned views can only answer hour-aligned ranges and buckets. */
  grain: 'row' | 'hour';
  /** Which measure SQL of the catalog applies. */
  measureSql: 'expr' | 'rollup';
  /** Dimension names this view can group and filter by (undefined: all of the catalog). */
  dimensions?: ReadonlySet<string>;
  /** Joined sources, described for the reader (the SQL lives in the functions below). */
  joins: readonly string[];
}

/** One row per span (re-deliveries collapsed by FINAL). */
export const SPANS_VIEW: ViewDef = {
  name: 'spans',
  source: { table: 'spans', final: true },
  timeColumn: 'start_time',
  grain: 'row',
  measureSql: 'expr',
  joins: ['trace_heads: the head span of traces whose root is missing or remote (requestExpr)'],
};

/** Aggregate states per project, hour and the rollup dimensions; only current builds are read. */
export const ROLLUP_VIEW: ViewDef = {
  name: 'rollup_hourly',
  source: { table: 'rollup_hourly', final: false },
  timeColumn: 'hour',
  grain: 'hour',
  measureSql: 'rollup',
  dimensions: new Set(['tenant', 'request_type', 'route', 'environment', 'service', 'service_version', 'host', 'status', 'finish_reason', 'model', 'response_model', 'provider', 'category', 'agent']),
  joins: ['rollup_builds: the current build of each hour (coverage.ts)'],
};

/**
 * One row per request (trace): the explorer's view. Its rows are per-trace aggregates over the
 * trace's spans (queries/summaries.ts, queries/traces.ts), which take `requestExpr`, COST_SQL and
 * TRACE_COST_SQL from here rather than redefining them.
 */
export const TRACES_VIEW: ViewDef = {
  name: 'traces',
  source: { table: 'spans', final: true },
  timeColumn: 'start_time',
  grain: 'row',
  measureSql: 'expr',
  joins: ['trace_heads (requestExpr)', 'trace_index (the hours a trace lives in)'],
};

export const VIEWS: readonly ViewDef[] = [SPANS_VIEW, TRACES_VIEW, ROLLUP_VIEW];

/** Cost of a set of spans: usage-counted spans only (wrappers repeat their children's usage). */
export const COST_SQL = 'sumIf(cost_usd, usage_counted)';

/**
 * Whether a raw span row is its trace's request, as a boolean SQL expression over `spans` for
 * spans starting in [from, to): a span with no parent (the root), or — for a trace that has no
 * such root in the store at all — the trace's head from `trace_heads` (its earliest local root,
 * i.e. a span whose parent is remote, else its earliest span: "root not received"). When the
 * root arrives, `has_true_root` turns 1 and the stand-in stops counting, so a trace is one
 * request in every case. Only traces without a root inside the range are looked up, so the
 * join costs a scan of the range's trace ids and a keyed read of the rare rootless ones.
 */
export function requestExpr(projectId: string, from: Date, to: Date): SqlFragment {
  return requestExprRanges(projectId, [[from, to]]);
}

const HOUR_MS = 3_600_000;

/**
 * requestExpr for spans starting in any of `ranges`. Candidate rootless traces are the
 * `trace_hours` rows (one per trace and hour) without a root in the hours covering the ranges —
 * no GROUP BY: a trace crossing an hour, or a row not merged yet, only adds candidates. The
 * superset is made exact by trace_heads (no root anywhere) and by the span's own range (the
 * caller's WHERE).
 */
export function requestExprRanges(projectId: string, ranges: readonly [Date, Date][]): SqlFragment {
  const heads = rootlessHeads(projectId, ranges);
  // Short-circuit: most spans are roots or fail the one-string candidate probe; only the few
  // left are checked against the heads.
  return sql`(empty(parent_span_id) OR (trace_id IN (${candidates(projectId, ranges)}) AND (trace_id, span_id) IN (${heads})))`;
}

/**
 * Whether any trace around [from, to) has no root at all (one small keyed read). When none has,
 * the request predicate is exactly `empty(parent_span_id)` and callers can skip the join.
 */
export async function hasRootlessTraces(store: Store, projectId: string, from: Date, to: Date): Promise<boolean> {
  const rows = await store.query<{ n: number }>(sql`SELECT count() AS n FROM (${rootlessHeads(projectId, [[from, to]])})`);
  return Number(rows[0]?.n ?? 0) > 0;
}

/** requestExpr, or the plain root test when `rootless` says no trace of the range lacks a root. */
export function requestPredicate(projectId: string, from: Date, to: Date, rootless: boolean): SqlFragment {
  return rootless ? requestExpr(projectId, from, to) : sql`empty(parent_span_id)`;
}

/** Traces with spans in the hours of `ranges` that may lack a root (a small superset). */
function candidates(projectId: string, ranges: readonly [Date, Date][]): SqlFragment {
  const hours = join(ranges.map(([a, b]) => sql`(hour >= ${new Date(Math.floor(a.getTime() / HOUR_MS) * HOUR_MS)} AND hour < ${b})`), ' OR ');
  return sql`SELECT trace_id FROM trace_hours WHERE project_id = ${projectId} AND (${hours}) AND has_true_root = 0`;
}

/**
 * (trace_id, head span_id) of the traces around `ranges` that have no root anywhere: their
 * request is their head. Ordering of heads among a rootless trace's spans: HEAD_ORDER.
 */
export function rootlessHeads(projectId: string, ranges: readonly [Date, Date][]): SqlFragment {
  return sql`SELECT trace_id, argMinMerge(head) FROM trace_heads
      WHERE project_id = ${projectId} AND trace_id IN (${candidates(projectId, ranges)})
      GROUP BY trace_id HAVING max(has_true_root) = 0`;
}

/** Among a rootless trace's spans, the head is the argMin of this tuple (as in trace_heads). */
export const HEAD_ORDER = '(toUInt8(NOT is_root), start_time, span_id)';

/** The rollup's key columns and how each is computed from a raw span row (`is_request` aside). */
export const ROLLUP_KEYS: readonly string[] = [
  'tenant', 'request_type', 'request_model', 'response_model', 'provider', 'agent_name', 'service', 'service_version',
  'environment', 'host', 'route', 'finish_reason', 'status_code', 'category', 'usage_counted', 'is_request', 'pricing_status',
];

/** Dimensions whose values can carry ids (unbounded per hour): capped per hour in the rollup. */
export const CAPPED_KEYS: readonly { column: string; dimension: string }[] = [
  { column: 'request_type', dimension: 'request_type' },
  { column: 'route', dimension: 'route' },
];
/** The value the tail of a capped dimension is grouped under. */
export const OTHER_VALUE = '(other)';

/**
 * The coarse companion rollup (`rollup_hourly_core`, migration 0009): the same states keyed only
 * by the columns measure conditions read (catalog.ts `rollup` SQL: `$S` = is_request,
 * usage_counted, category, status_code, pricing_status). Same build ids as rollup_hourly.
 */
export const ROLLUP_CORE_KEYS: readonly string[] = ['status_code', 'category', 'usage_counted', 'is_request', 'pricing_status'];
/** Dimensions whose expression reads only core key columns: filtering by them can read the core table. */
export const ROLLUP_CORE_DIMENSIONS: ReadonlySet<string> = new Set(['status', 'category']);

const DD_MERGE_STATE = 'quantilesDDMergeState(0.01, 0.5, 0.95, 0.99)';

/**
 * The rollup's state columns: the aggregate over raw rows that produces each, and the
 * aggregate (applied to the column) that merges rows of states into one state row.
 */
export const ROLLUP_STATES: readonly { column: string; fromRaw: string; merge: string }[] = [
  { column: 'spans', fromRaw: 'count()', merge: 'sum' },
  { column: 'duration_ns', fromRaw: 'sum(duration_ns)', merge: 'sum' },
  { column: 'latency_ms', fromRaw: 'quantilesDDState(0.01, 0.5, 0.95, 0.99)(duration_ns / 1e6)', merge: DD_MERGE_STATE },
  { column: 'request_latency_ms', fromRaw: 'quantilesDDStateIf(0.01, 0.5, 0.95, 0.99)(duration_ns / 1e6, is_request)', merge: DD_MERGE_STATE },
  { column: 'ttft_count', fromRaw: 'countIf(isNotNull(ttft_ms))', merge: 'sum' },
  { column: 'ttft_ms', fromRaw: 'quantilesDDStateIf(0.01, 0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms))', merge: DD_MERGE_STATE },
  { column: 'input_tokens', fromRaw: 'sum(input_tokens)', merge: 'sum' },
  { column: 'output_tokens', fromRaw: 'sum(output_tokens)', merge: 'sum' },
  { column: 'cache_read_tokens', fromRaw: 'sum(cache_read_tokens)', merge: 'sum' },
  { column: 'cache_write_tokens', fromRaw: 'sum(cache_write_tokens)', merge: 'sum' },
  { column: 'reasoning_tokens', fromRaw: 'sum(reasoning_tokens)', merge: 'sum' },
  { column: 'cost_usd', fromRaw: 'sum(cost_usd)', merge: 'sum' },
];

/** The states merged over rows of state columns (rollup_hourly → rollup_hourly_core), in ROLLUP_STATES order. */
export function mergedStateSelect(): SqlFragment {
  return sql`${unsafeRaw(ROLLUP_STATES.map((s) => `${s.merge}(${s.column}) AS st_${s.column}`).join(", "))}`;
}

/**
 * The state aggregates over raw rows, in ROLLUP_STATES order. Aliased `st_<column>` (an alias
 * named like a column would replace that column inside the other aggregates); UNION ALL and
 * INSERT … SELECT match by position.
 */
export function rawStateSelect(): SqlFragment {
  return sql`${unsafeRaw(ROLLUP_STATES.map((s) => `${s.fromRaw} AS st_${s.column}`).join(", "))}`;
}
