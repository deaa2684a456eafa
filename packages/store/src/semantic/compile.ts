import { ident, join, param, sql, unsafeRaw, type SqlFragment } from '../sql.ts';
import { DIMENSION_BY_NAME, ROOT_PREDICATE, subjectPredicate, type MeasureDef } from './catalog.ts';
import type { Coverage } from './coverage.ts';
import { pricesJoin } from './cost-catalog.ts';
import { latencyRollupDimension, latencyRollupStates } from './rollup-latency.ts';
import { rawStateSelect, requestExprRanges, ROLLUP_CORE_DIMENSIONS, ROLLUP_CORE_KEYS, ROLLUP_KEYS, ROLLUP_STATES, ROLLUP_VIEW, SPANS_VIEW, type ViewDef } from './views.ts';

/** A validated query (planMetricsQuery in query.ts builds it). */
export interface Plan {
  measures: MeasureDef[];
  groupBy: string[];
  from: Date;
  to: Date;
  intervalMs?: number;
  filters: [string, string[]][];
  limit: number;
  orderBy: MeasureDef;
  order: 'asc' | 'desc';
  /** Keyset paging (grouped queries): only groups after this one in the query's order (paging.ts). */
  after?: { sort: string; keys: string[] };
}

export interface CompileOptions {
  /**
   * Grouped sets: one ranking per dimension in ONE scan (GROUP BY GROUPING SETS), each with its
   * own subject, cut to `plan.limit` rows per set in SQL (`LIMIT n BY` the set). `plan.groupBy`
   * must be empty.
   */
  sets?: readonly string[];
  /** Read the rollup for these built hours and raw spans for the rest (see coverage.ts). */
  coverage?: Coverage;
  /**
   * false: the caller checked that no trace around the window lacks a root (hasRootlessTraces),
   * so the raw request flag is just `empty(parent_span_id)` (no join). Default: join.
   */
  rootless?: boolean;
  /**
   * Time series only: keep just these series (one value per groupBy dimension each), the page of
   * series a ranking query chose (query.ts): a limit counts series, never points.
   */
  series?: readonly string[][];
}

/** Aliases: d_<dimension>, m[<set>]_<measure>, s_… for exact money text. Never a column name. */
export const dimAlias = (d: string) => `d_${d}`;
export const measureAlias = (m: string, set?: number) => (set === undefined ? `m_${m}` : `m${set}_${m}`);
export const moneyAlias = (m: string, set?: number) => (set === undefined ? `s_${m}` : `s${set}_${m}`);
/** What a limit left out (ranked queries): groups after each row, and the additive totals after it. */
export const REST_GROUPS = '__rest_groups';
export const restAlias = (m: string) => `r_${m}`;
export const SORT_TEXT = '__sort_text';

const HOUR_MS = 3_600_000;

/**
 * THE compiler of the semantic layer: a plan → one SQL statement, over the spans view (raw,
 * exact) or over the rollup view's current builds UNION ALL the raw states of the hours the
 * rollup does not cover (edges of the window, the open hour, dirty hours). One WHERE builder
 * (`filterConditions`), one set of measure expressions per view (catalog), one row decoder
 * (decode.ts) for every shape (plain, time series, grouped sets).
 */
export function compile(projectId: string, p: Plan, o: CompileOptions = {}): SqlFragment {
  const view: ViewDef = o.coverage && o.coverage.builds.length > 0 ? ROLLUP_VIEW : SPANS_VIEW;
  const filterDims = p.filters.map(([d]) => d);
  const sets = o.sets ?? null;
  // Grouped by one latency dimension, subject measures only: the latency rollup, whose rows are
  // all subject spans (subject `1`; rollup-latency.ts).
  const latencyDim = view === ROLLUP_VIEW ? latencyRollupDimension(p.groupBy, p.filters, p.measures, sets !== null) : null;
  const groups = sets
    ? sets.map((d, i) => ({ dims: [d], subject: subjectPredicate([d, ...filterDims]), set: i as number | undefined }))
    : [{ dims: p.groupBy, subject: latencyDim ? '1' : subjectPredicate([...p.groupBy, ...filterDims]), set: undefined as number | undefined }];
  const dimExpr = (d: string) => unsafeRaw(DIMENSION_BY_NAME.get(d)!.expr);

  // Row conditions, valid on both views (rollup key columns are named as in spans).
  const rowConds: SqlFragment[] = filterConditions(p.filters);
  if (o.series) {
    const n = p.groupBy.length;
    const tuple = (x: (i: number) => SqlFragment) => sql`tuple(${join(p.groupBy.map((_, i) => x(i)))})`;
    rowConds.push(sql`${tuple((i) => sql`${dimExpr(p.groupBy[i]!)}`)} IN (SELECT arrayJoin(arrayMap(x -> ${tuple((i) => sql`${unsafeRaw(`x[${i + 1}]`)}`)}, ${param(o.series.map((k) => k.slice(0, n)), 'Array(Array(String))')})))`);
  }
  if (!sets) {
    // No row is dropped for an empty group value: the empty group ("(no agent)") is a group like
    // any other, so additive measures add up to their totals (see SUBJECT_RULES).
    // Only subject measures asked for: the aggregation can skip every other row.
    if (p.measures.every((m) => m.spanSet === 'subject')) rowConds.push(sql`(${unsafeRaw(groups[0]!.subject)})`);
    // …or only usage measures (cost, tokens): only usage-counted spans (a key of both rollups).
    else if (p.measures.every((m) => m.spanSet === 'usage')) rowConds.push(sql`usage_counted`);
    // Every measure names the rows it can be non-zero on (cache savings: spans with cached tokens).
    if (p.measures.every((m) => m.rowFilter)) rowConds.push(sql`(${unsafeRaw([...new Set(p.measures.map((m) => `(${m.rowFilter!})`))].join(' OR '))})`);
  }
  // The raw request flag costs a scan of the range's trace ids: define it only when used.
  const measureUsesSubject = p.measures.some((m) => (view.measureSql === 'rollup' ? m.rollup : m.expr).includes('$S'));
  const usesRequest = groups.some((g) => g.subject.includes(ROOT_PREDICATE) && measureUsesSubject)
    || (!sets && p.measures.every((m) => m.spanSet === 'subject') && groups[0]!.subject.includes(ROOT_PREDICATE));

  const select: SqlFragment[] = [];
  const keys: SqlFragment[] = [];
  const allDims = sets ? [...sets] : p.groupBy;
  if (p.intervalMs !== undefined) {
    select.push(view === ROLLUP_VIEW
      ? sql`intDiv(__hour, ${p.intervalMs}) * ${p.intervalMs} AS __bucket`
      : sql`intDiv(toUnixTimestamp64Milli(start_time), ${p.intervalMs}) * ${p.intervalMs} AS __bucket`);
    keys.push(sql`__bucket`);
  }
  for (const d of allDims) {
    select.push(sql`${dimExpr(d)} AS ${ident(dimAlias(d))}`);
    keys.push(sql`${ident(dimAlias(d))}`);
  }
  if (sets) select.push(sql`grouping(${join(sets.map((d) => sql`${ident(dimAlias(d))}`))}) AS __set`);
  for (const g of groups) {
    for (const m of p.measures) {
      const rollup = g.subject === ROOT_PREDICATE && m.rollupRequests ? m.rollupRequests : m.rollup;
      const text = (view.measureSql === 'rollup' ? rollup : m.expr).replaceAll('$S', `(${g.subject})`);
      select.push(sql`${unsafeRaw(text)} AS ${ident(measureAlias(m.name, g.set))}`);
      // Money leaves ClickHouse as exact decimal text; the edge decides number or string.
      if (m.unit === 'usd') select.push(sql`toString(${ident(measureAlias(m.name, g.set))}) AS ${ident(moneyAlias(m.name, g.set))}`);
    }
  }

  const groupBy = sets
    ? sql`GROUP BY GROUPING SETS (${join(sets.map((d) => sql`(${ident(dimAlias(d))})`))})`
    : keys.length ? sql`GROUP BY ${join(keys)}` : sql``;

  // Grouped sets: the rows of set i have grouping() = all bits but bit (n-1-i).
  const n = sets?.length ?? 0;
  const setId = (i: number) => ((1 << n) - 1) ^ (1 << (n - 1 - i));
  const having: SqlFragment[] = [];
  const order: SqlFragment[] = [];
  const dir = unsafeRaw(p.order === 'asc' ? 'ASC' : 'DESC');
  let limit: SqlFragment;
  // A group is a row when it has spans some requested measure ranges over (its subject spans,
  // usage-counted spans, spans with a TTFT; any span for `spans`): the empty group shows where it
  // carries cost, tokens or requests of its own, never as a row of zeros.
  const hasSpans = (subject: string): SqlFragment | null => {
    const preds: string[] = [];
    for (const m of p.measures) {
      if (m.spanSet === 'all') return null;
      preds.push(m.spanSet === 'subject' ? subject : m.spanSet === 'usage' ? 'usage_counted' : view.measureSql === 'rollup' ? 'ttft_count > 0' : 'isNotNull(ttft_ms)');
    }
    const any = [...new Set(preds)].map((x) => `(${x})`).join(' OR ');
    return sql`${unsafeRaw(view.measureSql === 'rollup' ? `sumIf(spans, ${any}) > 0` : `countIf(${any}) > 0`)}`;
  };
  if (sets) {
    const conds = groups.map((g) => hasSpans(g.subject));
    if (conds.every((c) => c !== null)) having.push(sql`multiIf(${join(conds.flatMap((c, i) => [sql`__set = ${setId(i)}`, sql`${c!}`]))}, 0)`);
  } else if (p.groupBy.length > 0) {
    const c = hasSpans(groups[0]!.subject);
    if (c) having.push(sql`${c}`);
  }

  // Ranked results (groups, not points) are cut by the limit; each row carries what comes after
  // it (window functions over the whole grouped result), so the last row returned says what the
  // limit left out. Order: the sort measure (non-finite or null last), then the group keys, a
  // total order over groups (keyset paging resumes after (sort value, keys)).
  const additive = p.measures.filter((m) => m.additive);
  const restColumns = (partition: SqlFragment, window: SqlFragment, value: (m: MeasureDef) => SqlFragment) => {
    select.push(sql`count() OVER (${partition}) - row_number() OVER (${partition} ORDER BY ${window}) AS ${ident(REST_GROUPS)}`);
    for (const m of additive) {
      const rest = sql`sum(${value(m)}) OVER (${partition}) - sum(${value(m)}) OVER (${partition} ORDER BY ${window} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
      select.push(m.unit === 'usd' ? sql`toString(${rest}) AS ${ident(restAlias(m.name))}` : sql`${rest} AS ${ident(restAlias(m.name))}`);
    }
  };
  if (sets) {
    const pick = (alias: (i: number) => string) =>
      sets.length === 1 ? sql`${ident(alias(0))}` : sql`multiIf(${join(sets.flatMap((_, i) => [sql`__set = ${setId(i)}`, sql`${ident(alias(i))}`]))}, ${ident(alias(0))})`;
    const keysOrder = sql`${sortKey(p, pick((i) => measureAlias(p.orderBy.name, i)))} ${dir}, ${pick((i) => dimAlias(sets[i]!))} ASC`;
    restColumns(sql`PARTITION BY __set`, keysOrder, (m) => pick((i) => measureAlias(m.name, i)));
    order.push(sql`__set ASC`, keysOrder);
    limit = sql`LIMIT ${p.limit} BY __set`;
  } else if (p.groupBy.length > 0 && p.intervalMs === undefined) {
    const sortValue = sortKey(p, sql`${ident(measureAlias(p.orderBy.name))}`);
    const keyTuple = sql`tuple(${join(p.groupBy.map((d) => sql`${ident(dimAlias(d))}`))})`;
    const keysOrder = join([sql`${sortValue} ${dir}`, ...p.groupBy.map((d) => sql`${ident(dimAlias(d))} ASC`)]);
    select.push(sql`toString(${sortValue}) AS ${ident(SORT_TEXT)}`);
    restColumns(sql``, keysOrder, (m) => sql`${ident(measureAlias(m.name))}`);
    if (p.after) {
      const v = sortValueParam(p.orderBy, p.after.sort);
      const beyond = p.order === 'asc' ? sql`${sortValue} > ${v}` : sql`${sortValue} < ${v}`;
      having.push(sql`(${beyond} OR (${sortValue} = ${v} AND ${keyTuple} > tuple(${join(p.after.keys.map((k) => sql`${k}`))})))`);
    }
    order.push(keysOrder);
    limit = sql`LIMIT ${p.limit}`;
  } else {
    // Ungrouped (one row) or a time series (every bucket of the chosen series): no cut here.
    if (p.intervalMs !== undefined) order.push(sql`__bucket ASC`);
    order.push(sql`${ident(measureAlias(p.orderBy.name))} ${dir}`);
    for (const d of p.groupBy) order.push(sql`${ident(dimAlias(d))} ASC`);
    limit = sql``;
  }

  const tail = sql`${groupBy}
    ${having.length ? sql`HAVING ${join(having, ' AND ')}` : sql``}
    ORDER BY ${join(order)}
    ${limit}`;

  if (view === SPANS_VIEW) {
    const where = [sql`project_id = ${projectId}`, sql`start_time >= ${p.from}`, sql`start_time < ${p.to}`, ...rowConds];
    const withRequest = usesRequest
      ? sql`WITH ${o.rootless === false ? sql`empty(parent_span_id)` : requestExprRanges(projectId, [[p.from, p.to]])} AS is_request `
      : sql``;
    // A measure priced from the catalog (cache savings) joins each span's price row.
    const prices = p.measures.some((m) => m.joinPrices) ? pricesJoin(projectId) : sql``;
    return sql`${withRequest}SELECT ${join(select)}
    FROM spans FINAL ${prices}
    WHERE ${join(where, ' AND ')}
    ${tail}`;
  }
  if (latencyDim) {
    return sql`SELECT ${join(select)}
    FROM (${latencyRollupStates(projectId, o.coverage!, latencyDim, rowConds, o.rootless !== false)})
    ${tail}`;
  }
  // No grouping and only filters on core columns: the coarse companion table answers (a few
  // state rows per hour instead of one per combination of every rollup dimension).
  // A measure reading another key (finish_reason: catalog rollupKeys) needs the full table.
  const core = !sets && p.groupBy.length === 0 && filterDims.every((d) => ROLLUP_CORE_DIMENSIONS.has(d))
    && p.measures.every((m) => (m.rollupKeys ?? []).every((k) => ROLLUP_CORE_KEYS.includes(k)));
  return sql`SELECT ${join(select)}
    FROM (${rollupStates(projectId, o.coverage!, rowConds, o.rootless !== false, core)})
    ${tail}`;
}

/**
 * The value groups are ranked by: the measure itself when additive (never null), else the
 * measure with null / NaN / ±inf mapped to the far end, so groups without a value sort last in
 * either direction and the order stays total for keyset paging.
 */
function sortKey(p: Plan, measure: SqlFragment): SqlFragment {
  if (p.orderBy.additive) return measure;
  return sql`if(isFinite(${measure}), ${measure}, ${unsafeRaw(p.order === 'asc' ? 'inf' : '-inf')})`;
}

/** A cursor's sort value (the engine's own text of it) back in the measure's type. */
function sortValueParam(m: MeasureDef, text: string): SqlFragment {
  if (!m.additive) return sql`toFloat64(${text})`;
  return m.unit === 'usd' ? sql`toDecimal128(${text}, 12)` : sql`toUInt64(${text})`;
}

/** The one WHERE builder for dimension filters (the same SQL on every view; `dimensions` for views with their own expressions). */
export function filterConditions(
  filters: readonly [string, readonly string[]][],
  dimensions: ReadonlyMap<string, { expr: string }> = DIMENSION_BY_NAME,
): SqlFragment[] {
  return filters.map(([d, values]) => sql`${unsafeRaw(dimensions.get(d)!.expr)} IN ${[...values]}`);
}

/**
 * Rows of aggregate states for the whole window: the rollup's current builds for covered hours,
 * UNION ALL the same states computed from raw spans for the uncovered ranges. Columns by
 * position: __hour, ROLLUP_KEYS (ROLLUP_CORE_KEYS with `core`: rollup_hourly_core, same builds;
 * only for row conditions and measures that read core key columns), ROLLUP_STATES.
 */
export function rollupStates(projectId: string, c: Coverage, rowConds: readonly SqlFragment[], rootless = true, core = false): SqlFragment {
  const keys = unsafeRaw((core ? ROLLUP_CORE_KEYS : ROLLUP_KEYS).join(', '));
  const states = unsafeRaw(ROLLUP_STATES.map((s) => s.column).join(', '));
  const lo = new Date(Math.min(...c.hours));
  const hi = new Date(Math.max(...c.hours));
  const extra = rowConds.length ? sql` AND ${join([...rowConds], ' AND ')}` : sql``;
  const rollup = sql`SELECT toUnixTimestamp(hour) * 1000 AS __hour, ${keys}, ${states}
      FROM ${unsafeRaw(core ? 'rollup_hourly_core' : 'rollup_hourly')}
      WHERE project_id = ${projectId} AND hour >= ${lo} AND hour <= ${hi} AND build IN ${c.builds}${extra}`;
  if (c.rawRanges.length === 0) return rollup;
  const range = join(c.rawRanges.map(([a, b]) => sql`(start_time >= ${a} AND start_time < ${b})`), ' OR ');
  // The subquery names the request flag `is_request`, like the rollup column, so the row
  // conditions are the same text on both sides (unused span columns are pruned).
  return sql`${rollup}
      UNION ALL
      SELECT intDiv(toUnixTimestamp64Milli(start_time), ${HOUR_MS}) * ${HOUR_MS} AS __hour, ${keys}, ${rawStateSelect()}
      FROM (SELECT *, ${rootless ? requestExprRanges(projectId, c.rawRanges) : sql`empty(parent_span_id)`} AS is_request FROM spans FINAL WHERE project_id = ${projectId} AND (${range}))
      WHERE 1${extra}
      GROUP BY __hour, ${keys}`;
}
