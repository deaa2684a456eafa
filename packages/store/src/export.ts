import { compile } from './semantic/compile.ts';
import { decodeRow } from './semantic/decode.ts';
import { coverageFor, planMetricsQuery, type MetricRow } from './semantic/query.ts';
import { QueryError } from './semantic/errors.ts';
import type { Store } from './store.ts';

/**
 * Cost export (issue 9): FOCUS-style rows (FinOps FOCUS 1.2 column names; custom columns
 * prefixed `x_`) with exact decimal costs, produced through the semantic layer (queryMetrics,
 * so an export equals the page to the picodollar) one time page at a time: the embedded
 * engine returns whole results, so memory holds one page, never the whole export. Rows are
 * ordered by period, then by the grouped values, so the same data exports byte-identically.
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

export type ExportRow = Record<string, string>;

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Rows one page may hold (the overflow test); pages aim at half of it. */
const PAGE_ROWS = 50_000;
const TARGET_ROWS = PAGE_ROWS / 2;

function monthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}
function nextMonth(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
const isoCache = new Map<number, string>();
/** ISO text of a period edge; an export repeats a few hundred distinct edges millions of times. */
function iso(ms: number): string {
  let s = isoCache.get(ms);
  if (s === undefined) {
    if (isoCache.size > 100_000) isoCache.clear();
    s = new Date(ms).toISOString();
    isoCache.set(ms, s);
  }
  return s;
}

export function exportColumns(groupBy: readonly string[]): string[] {
  return [...FOCUS_COLUMNS, ...groupBy.map((d) => `x_${d}`)];
}

function focusRow(r: MetricRow, start: number, end: number, groupBy: readonly string[]): ExportRow {
  const cost = String(r.cost_usd ?? '0');
  const tags: Record<string, string> = {};
  for (const d of groupBy) tags[d] = String(r[d] ?? '');
  const row: ExportRow = {
    BillingPeriodStart: iso(monthStart(start)),
    BillingPeriodEnd: iso(nextMonth(start)),
    ChargePeriodStart: iso(start),
    ChargePeriodEnd: iso(end),
    BilledCost: cost,
    EffectiveCost: cost,
    ListCost: cost,
    BillingCurrency: 'USD',
    ChargeCategory: 'Usage',
    ChargeFrequency: 'Usage-Based',
    ChargeDescription: 'LLM model calls (tokens priced by the Plumb price catalog)',
    ServiceCategory: 'AI and Machine Learning',
    ServiceName: 'LLM inference',
    ProviderName: groupBy.includes('provider') ? String(r.provider ?? '') : '',
    ResourceId: groupBy.includes('model') ? String(r.model ?? '') : '',
    ConsumedQuantity: String(r.total_tokens ?? 0),
    ConsumedUnit: 'Tokens',
    Tags: JSON.stringify(tags),
    x_ModelCalls: String(r.llm_calls ?? 0),
    x_UnpricedCalls: String(r.unpriced_spans ?? 0),
    x_InputTokens: String(r.input_tokens ?? 0),
    x_OutputTokens: String(r.output_tokens ?? 0),
    x_CacheReadTokens: String(r.cache_read_tokens ?? 0),
    x_CacheWriteTokens: String(r.cache_write_tokens ?? 0),
  };
  for (const d of groupBy) row[`x_${d}`] = String(r[d] ?? '');
  return row;
}

type Page = { rows: ExportRow[] } | { overflow: true };

/**
 * One time page through the semantic layer's own planner and compiler (same measures, same
 * rollup-or-raw choice as queryMetrics), with a row cap above the API's 10,000: an export page
 * is streamed out at once, never held with others.
 */
async function page(store: Store, spec: ExportSpec, fromMs: number, toMs: number): Promise<Page> {
  const intervalMs = spec.granularity === 'hour' ? HOUR : spec.granularity === 'day' ? DAY : undefined;
  const plan = {
    ...planMetricsQuery({ projectId: spec.projectId, measures: EXPORT_MEASURES, groupBy: spec.groupBy, filters: spec.filters, from: new Date(fromMs), to: new Date(toMs), intervalMs, limit: 1 }),
    limit: PAGE_ROWS,
  };
  const coverage = await coverageFor(store, spec.projectId, plan);
  const raw = await store.query<Record<string, unknown>>(compile(spec.projectId, plan, { coverage }));
  if (raw.length >= PAGE_ROWS) return { overflow: true };
  const out: ExportRow[] = [];
  for (const x of raw) {
    const r: MetricRow = decodeRow(x, plan, plan.groupBy, true);
    if (!(Number(r.llm_calls ?? 0) > 0 || String(r.cost_usd ?? '0') !== '0')) continue;
    const start = r.time === undefined ? fromMs : Date.parse(r.time);
    const end = intervalMs === undefined ? toMs : Math.min(toMs, start + intervalMs);
    out.push(focusRow(r, Math.max(start, fromMs), end, spec.groupBy));
  }
  // Period, then grouped values: ISO text of one format sorts as time; the key is built once a row.
  const keyed = out.map((r) => ({ r, k: `${r.ChargePeriodStart}\u0000${spec.groupBy.map((d) => r[`x_${d}`]).join('\u0000')}` }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return { rows: keyed.map((x) => x.r) };
}

/**
 * The export, one time page of rows at a time. Months are pages of their own; hourly and daily
 * rows are paged by a width (whole buckets) that adapts to the data: widened toward TARGET_ROWS
 * rows a page, halved when a page overflows PAGE_ROWS (then retried).
 */
export async function* exportCost(store: Store, spec: ExportSpec): AsyncGenerator<ExportRow[]> {
  const fromMs = spec.from.getTime();
  const toMs = spec.to.getTime();
  if (!(toMs > fromMs)) throw new QueryError('to', 'must be after from');
  const step = spec.granularity === 'hour' ? HOUR : spec.granularity === 'day' ? DAY : 0;
  let width = step === HOUR ? DAY : 31 * DAY;
  for (let t = fromMs; t < toMs; ) {
    const end = step === 0 ? Math.min(toMs, nextMonth(t)) : Math.min(toMs, t + width);
    const got = await page(store, spec, t, end);
    if ('overflow' in got) {
      const half = step > 0 ? Math.floor((end - t) / 2 / step) * step : 0;
      if (half <= 0) throw new QueryError('groupBy', `more than ${PAGE_ROWS} groups in one ${spec.granularity}; group by fewer dimensions or filter`);
      width = half;
      continue;
    }
    if (got.rows.length > 0) yield got.rows;
    if (step > 0) {
      const scale = got.rows.length > 0 ? TARGET_ROWS / got.rows.length : 4;
      width = Math.max(step, Math.min(400 * DAY, Math.floor((width * Math.min(4, scale)) / step) * step));
    }
    t = end;
  }
}

/** RFC 4180 field. */
export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** The export as text chunks: CSV (header + rows) or a JSON array, one chunk per page. */
export async function* exportText(store: Store, spec: ExportSpec, format: 'csv' | 'json'): AsyncGenerator<string> {
  const columns = exportColumns(spec.groupBy);
  let first = true;
  if (format === 'csv') yield `${columns.join(',')}\r\n`;
  else yield '[';
  for await (const rows of exportCost(store, spec)) {
    if (format === 'csv') yield rows.map((r) => `${columns.map((c) => csvField(r[c] ?? '')).join(',')}\r\n`).join('');
    else {
      yield rows
        .map((r) => {
          const sep = first ? '' : ',';
          first = false;
          return `${sep}\n${JSON.stringify(r, columns)}`;
        })
        .join('');
    }
  }
  if (format === 'json') yield '\n]\n';
}
