import { compile, dimAlias, measureAlias, moneyAlias, type Plan } from './semantic/compile.ts';
import { closedMonthMismatch, closedMonthsIn, closedRowsQuery, hasClosedRows, type ClosedMonth } from './closed-figures.ts';
import type { Coverage } from './semantic/coverage.ts';
import { coverageFor, planMetricsQuery } from './semantic/query.ts';
import { QueryError } from './semantic/errors.ts';
import { join, sql, unsafeRaw, type SqlFragment } from './sql.ts';
import type { Store } from './store.ts';

/**
 * Cost export (issue 9): FOCUS-style rows (FinOps FOCUS 1.2 column names; custom columns
 * prefixed `x_`) with exact decimal costs, produced through the semantic layer's planner and
 * compiler (same measures, same rollup-or-raw choice as queryMetrics, so an export equals the
 * page to the picodollar) one time page at a time: the embedded engine returns whole results,
 * so memory holds one page, never the whole export.
 *
 * The engine does the per-row work: each page is the compiled semantic query wrapped in a
 * SELECT that orders the rows (period, then the grouped values, byte order) and formats each
 * as a CSV line or a JSON object (RawBLOB output: the page is one string, no row objects in
 * Node). The same data exports byte-identically. Rollup coverage is read once per export (and
 * again only if the export outlives the rollup's grace for superseded builds). The part of the
 * range inside a closed month is read from the figures frozen at close (closed-figures.ts).
 */

export type Granularity = 'hour' | 'day' | 'month';

export interface ExportSpec {
  projectId: string;
  from: Date;
  to: Date;
  groupBy: readonly string[];
  filters?: Readonly<Record<string, readonly string[]>>;
  granularity: Granularity;
}

export const EXPORT_MEASURES = ['cost_usd', 'unpriced_spans', 'llm_calls', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'total_tokens'] as const;

/** The FOCUS and custom columns, in output order (the grouped dimensions follow as x_<dim>). */
export const FOCUS_COLUMNS = [
  'BillingPeriodStart', 'BillingPeriodEnd', 'ChargePeriodStart', 'ChargePeriodEnd', 'BilledCost', 'EffectiveCost', 'ListCost',
  'BillingCurrency', 'ChargeCategory', 'ChargeFrequency', 'ChargeDescription', 'ServiceCategory', 'ServiceName', 'ProviderName',
  'ResourceId', 'ConsumedQuantity', 'ConsumedUnit', 'Tags', 'x_ModelCalls', 'x_UnpricedCalls', 'x_InputTokens', 'x_OutputTokens',
  'x_CacheReadTokens', 'x_CacheWriteTokens',
] as const;

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Month pages are one bucket: a width (whole hours, so the rollup answers) past any stored time. */
const ONE_BUCKET = HOUR * 4_194_304;
/** Rows one page may hold (more: the page is split); pages aim at half of it. */
const PAGE_ROWS = 50_000;
const TARGET_ROWS = PAGE_ROWS / 2;
/** Coverage older than this is read again: superseded rollup builds are dropped after 10 min. */
const COVERAGE_MAX_AGE_MS = 5 * 60_000;

export function exportColumns(groupBy: readonly string[]): string[] {
  return [...FOCUS_COLUMNS, ...groupBy.map((d) => `x_${d}`)];
}

/** RFC 4180 field. */
export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

// ── SQL text of one output row ──────────────────────────────────────────────────────────────
// Each column is a constant (formatted here once) or a String expression over the compiled
// query's aliases. Every expression below is fixed text; values enter only as parameters.

type Cell = { constant: string } | { expr: string; text: boolean };

const iso = (ms: string) =>
  `concat(formatDateTime(toDateTime(intDiv(${ms}, 1000), 'UTC'), '%Y-%m-%dT%H:%i:%S', 'UTC'), '.', leftPad(toString(${ms} % 1000), 3, '0'), 'Z')`;
const CSV_ESCAPE = (v: string) => `if(match(${v}, '[",\\r\\n]'), concat('"', replaceAll(${v}, '"', '""'), '"'), ${v})`;

function cells(groupBy: readonly string[]): Record<string, Cell> {
  const dim = (d: string) => `toString(${dimAlias(d)})`;
  const count = (m: string) => ({ expr: `toString(${measureAlias(m)})`, text: false });
  const cost = { expr: moneyAlias('cost_usd'), text: false };
  const month = "toStartOfMonth(toDateTime(intDiv(__start, 1000), 'UTC'))";
  const tags = groupBy.length === 0 ? "'{}'" : `concat('{', ${groupBy.map((d, i) => `'${i > 0 ? ',' : ''}"${d}":', toJSONString(${dim(d)})`).join(', ')}, '}')`;
  const out: Record<string, Cell> = {
    BillingPeriodStart: { expr: `concat(toString(${month}), 'T00:00:00.000Z')`, text: false },
    BillingPeriodEnd: { expr: `concat(toString(addMonths(${month}, 1)), 'T00:00:00.000Z')`, text: false },
    ChargePeriodStart: { expr: iso('__start'), text: false },
    ChargePeriodEnd: { expr: iso('__end'), text: false },
    BilledCost: cost,
    EffectiveCost: cost,
    ListCost: cost,
    BillingCurrency: { constant: 'USD' },
    ChargeCategory: { constant: 'Usage' },
    ChargeFrequency: { constant: 'Usage-Based' },
    ChargeDescription: { constant: 'LLM model calls (tokens priced by the Plumb price catalog)' },
    ServiceCategory: { constant: 'AI and Machine Learning' },
    ServiceName: { constant: 'LLM inference' },
    ProviderName: groupBy.includes('provider') ? { expr: dim('provider'), text: true } : { constant: '' },
    ResourceId: groupBy.includes('model') ? { expr: dim('model'), text: true } : { constant: '' },
    ConsumedQuantity: count('total_tokens'),
    ConsumedUnit: { constant: 'Tokens' },
    Tags: { expr: tags, text: true },
    x_ModelCalls: count('llm_calls'),
    x_UnpricedCalls: count('unpriced_spans'),
    x_InputTokens: count('input_tokens'),
    x_OutputTokens: count('output_tokens'),
    x_CacheReadTokens: count('cache_read_tokens'),
    x_CacheWriteTokens: count('cache_write_tokens'),
  };
  for (const d of groupBy) out[`x_${d}`] = { expr: dim(d), text: true };
  return out;
}

/**
 * The row as one String expression: constant runs become parameters, expressions stay SQL.
 * CSV: RFC 4180 quoting (only fields that need it), CRLF ends. JSON: `,\n{…}` per row, the
 * keys and order of JSON.stringify(row, columns) (the first row's comma is cut in Node).
 */
function rowExpr(groupBy: readonly string[], format: 'csv' | 'json'): SqlFragment {
  const columns = exportColumns(groupBy);
  const c = cells(groupBy);
  const parts: SqlFragment[] = [];
  let pending = format === 'csv' ? '' : ',\n{';
  columns.forEach((name, i) => {
    const cell = c[name]!;
    if (format === 'json') pending += `${i > 0 ? ',' : ''}${JSON.stringify(name)}:`;
    else if (i > 0) pending += ',';
    if ('constant' in cell) {
      pending += format === 'csv' ? csvField(cell.constant) : JSON.stringify(cell.constant);
      return;
    }
    if (pending) parts.push(sql`${pending}`);
    pending = '';
    const text = format === 'json' ? `toJSONString(${cell.expr})` : cell.text ? CSV_ESCAPE(cell.expr) : cell.expr;
    parts.push(sql`${unsafeRaw(text)}`);
  });
  pending += format === 'csv' ? '\r\n' : '}';
  parts.push(sql`${pending}`);
  return sql`concat(${join(parts)})`;
}

// ── Pages ───────────────────────────────────────────────────────────────────────────────────

function nextMonth(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

function bucketMs(g: Granularity): number {
  return g === 'hour' ? HOUR : g === 'day' ? DAY : ONE_BUCKET;
}

/** The export's plan for [from, to): a time series (one bucket per period) of EXPORT_MEASURES. */
function planFor(spec: ExportSpec, fromMs: number, toMs: number): Plan {
  // Month pages are a whole month (or the range's part of it) read as one bucket.
  const base = planMetricsQuery({ projectId: spec.projectId, measures: EXPORT_MEASURES, groupBy: spec.groupBy, filters: spec.filters, from: new Date(fromMs), to: new Date(toMs), limit: 1 });
  return { ...base, intervalMs: bucketMs(spec.granularity) };
}

/**
 * The part of an export-wide coverage that applies to [from, to): covered hours wholly inside
 * stay on the rollup; an hour cut by a page edge and the raw ranges are clipped to the page.
 */
export function sliceCoverage(c: Coverage | undefined, from: number, to: number): Coverage | undefined {
  if (!c) return undefined;
  const builds: number[] = [];
  const hours: number[] = [];
  const raw: [number, number][] = [];
  c.hours.forEach((h, i) => {
    if (h >= from && h + HOUR <= to) {
      hours.push(h);
      builds.push(c.builds[i]!);
    } else if (h < to && h + HOUR > from) raw.push([Math.max(h, from), Math.min(h + HOUR, to)]);
  });
  if (hours.length === 0) return undefined;
  for (const [a, b] of c.rawRanges) {
    const lo = Math.max(a.getTime(), from);
    const hi = Math.min(b.getTime(), to);
    if (hi > lo) raw.push([lo, hi]);
  }
  raw.sort((x, y) => x[0] - y[0]);
  return { builds, hours, rawRanges: raw.map(([a, b]) => [new Date(a), new Date(b)]) };
}

interface PageText {
  text: string;
  rows: number;
}

/**
 * One page, formatted by the engine; `rows` > PAGE_ROWS means the page must be split. Live
 * pages compile the semantic query; pages of a closed month read its frozen rows.
 */
async function pageText(store: Store, spec: ExportSpec, fromMs: number, toMs: number, source: Coverage | ClosedMonth | undefined, format: 'csv' | 'json'): Promise<PageText> {
  const plan = planFor(spec, fromMs, toMs);
  const interval = plan.intervalMs!;
  const inner = source && 'closeVersion' in source
    ? closedRowsQuery(spec.projectId, source, spec.groupBy, plan.filters, fromMs, toMs, interval)
    : compile(spec.projectId, plan, { coverage: sliceCoverage(source, fromMs, toMs) });
  const order = [sql`__bucket`, ...spec.groupBy.map((d) => sql`${unsafeRaw(dimAlias(d))}`)];
  const text = await store.queryText(sql`
    SELECT ${rowExpr(spec.groupBy, format)}
    FROM (SELECT *, greatest(toInt64(__bucket), ${fromMs}) AS __start, least(toInt64(__bucket) + ${interval}, ${toMs}) AS __end FROM (${inner}))
    WHERE ${unsafeRaw(measureAlias('llm_calls'))} > 0 OR ${unsafeRaw(measureAlias('cost_usd'))} != 0
    ORDER BY ${join(order)}
    LIMIT ${PAGE_ROWS + 1}
    SETTINGS output_format_json_escape_forward_slashes = 0
    FORMAT RawBLOB`);
  // Rows end in CRLF (CSV) or start with ",\n" (JSON, where newlines inside values are escaped).
  // A CSV value holding CRLF is counted twice: the page is only split sooner.
  const mark = format === 'csv' ? '\r\n' : ',\n{';
  let rows = 0;
  for (let i = text.indexOf(mark); i !== -1; i = text.indexOf(mark, i + mark.length)) rows++;
  return { text, rows };
}

export interface ExportOptions {
  /** The closed months of the range (default: as month_closes says now); month close passes the close it is writing. */
  closed?: readonly ClosedMonth[];
}

interface ExportPage extends PageText {
  fromMs: number;
  toMs: number;
}

/**
 * The export, one time page of formatted rows at a time. Months are pages of their own; hourly
 * and daily rows are paged by a width (whole buckets) that adapts to the data: widened toward
 * TARGET_ROWS rows a page, halved when a page overflows PAGE_ROWS (then retried).
 */
export async function* exportPages(store: Store, spec: ExportSpec, format: 'csv' | 'json', o: ExportOptions = {}): AsyncGenerator<ExportPage> {
  const fromMs = spec.from.getTime();
  const toMs = spec.to.getTime();
  if (!(toMs > fromMs)) throw new QueryError('to', 'must be after from');
  const readCoverage = async () => ({ at: Date.now(), c: await coverageFor(store, spec.projectId, planFor(spec, fromMs, toMs)) });
  let coverage = await readCoverage();
  const closed = o.closed ?? (await closedMonthsIn(store, spec.projectId, fromMs, toMs));
  for (const m of closed) {
    const mismatch = closedMonthMismatch(m, spec.groupBy, Object.keys(spec.filters ?? {}), fromMs, toMs);
    if (mismatch) throw mismatch;
    if (!(await hasClosedRows(store, spec.projectId, m))) {
      throw new QueryError('from', `${new Date(m.from).toISOString().slice(0, 7)} was closed before its figures were kept per hour; use its month export, or reopen and close it again`);
    }
  }
  const step = spec.granularity === 'hour' ? HOUR : spec.granularity === 'day' ? DAY : 0;
  let width = step === HOUR ? DAY : 31 * DAY;
  for (let t = fromMs; t < toMs; ) {
    if (Date.now() - coverage.at > COVERAGE_MAX_AGE_MS) coverage = await readCoverage();
    let end = step === 0 ? Math.min(toMs, nextMonth(t)) : Math.min(toMs, t + width);
    // A page never straddles a closed month's edge: it is all frozen rows or all live.
    const inClosed = closed.find((m) => m.from <= t && t < m.to);
    const nextClosed = closed.find((m) => m.from > t);
    if (inClosed) end = Math.min(end, inClosed.to);
    else if (nextClosed) end = Math.min(end, nextClosed.from);
    const got = await pageText(store, spec, t, end, inClosed ?? coverage.c, format);
    if (got.rows > PAGE_ROWS) {
      const half = step > 0 ? Math.floor((end - t) / 2 / step) * step : 0;
      if (half <= 0) throw new QueryError('groupBy', `more than ${PAGE_ROWS} groups in one ${spec.granularity}; group by fewer dimensions or filter`);
      width = half;
      continue;
    }
    if (got.rows > 0) yield { ...got, fromMs: t, toMs: end };
    if (step > 0) {
      const scale = got.rows > 0 ? TARGET_ROWS / got.rows : 4;
      width = Math.max(step, Math.min(400 * DAY, Math.floor((width * Math.min(4, scale)) / step) * step));
    }
    t = end;
  }
}

/** The export as text chunks: CSV (header + rows) or a JSON array, one chunk per page. */
export async function* exportText(store: Store, spec: ExportSpec, format: 'csv' | 'json', o: ExportOptions = {}): AsyncGenerator<string> {
  const columns = exportColumns(spec.groupBy);
  let first = true;
  yield format === 'csv' ? `${columns.join(',')}\r\n` : '[';
  for await (const page of exportPages(store, spec, format, o)) {
    // JSON rows each start with ",\n"; the array's first row has no comma.
    yield format === 'json' && first ? page.text.slice(1) : page.text;
    first = false;
  }
  if (format === 'json') yield '\n]\n';
}
