import { queryMetrics, type MetricRow } from './semantic/query.ts';
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
const PAGE_ROWS = 10_000;

function monthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}
function nextMonth(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
const iso = (ms: number) => new Date(ms).toISOString();

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

/** Time pages of the range: a day of hours, a month of days, one month (calendar months). */
function* pages(fromMs: number, toMs: number, g: Granularity): Generator<[number, number]> {
  for (let t = fromMs; t < toMs; ) {
    const end = Math.min(toMs, g === 'hour' ? Math.floor(t / DAY) * DAY + DAY : nextMonth(t));
    yield [t, end];
    t = end;
  }
}

async function page(store: Store, spec: ExportSpec, fromMs: number, toMs: number): Promise<ExportRow[]> {
  const intervalMs = spec.granularity === 'hour' ? HOUR : spec.granularity === 'day' ? DAY : undefined;
  const result = await queryMetrics(store, {
    projectId: spec.projectId, measures: EXPORT_MEASURES, groupBy: spec.groupBy, filters: spec.filters,
    from: new Date(fromMs), to: new Date(toMs), intervalMs, limit: PAGE_ROWS, fill: false, exactMoney: true,
  });
  if (result.rows.length >= PAGE_ROWS) {
    // Too many groups for one page: halve it (on bucket boundaries) until it fits.
    const step = intervalMs ?? 0;
    const mid = step > 0 ? fromMs + Math.floor((toMs - fromMs) / 2 / step) * step : fromMs;
    if (step === 0 || mid <= fromMs) throw new QueryError('groupBy', `more than ${PAGE_ROWS} groups in one ${spec.granularity}; group by fewer dimensions or filter`);
    return [...(await page(store, spec, fromMs, mid)), ...(await page(store, spec, mid, toMs))];
  }
  const out = result.rows
    .filter((r) => Number(r.llm_calls ?? 0) > 0 || String(r.cost_usd ?? '0') !== '0')
    .map((r) => {
      const start = r.time === undefined ? fromMs : Date.parse(r.time);
      const end = intervalMs === undefined ? toMs : Math.min(toMs, start + intervalMs);
      return focusRow(r, Math.max(start, fromMs), end, spec.groupBy);
    });
  out.sort((a, b) => (a.ChargePeriodStart! < b.ChargePeriodStart! ? -1 : a.ChargePeriodStart! > b.ChargePeriodStart! ? 1 : cmpGroups(a, b, spec.groupBy)));
  return out;
}

function cmpGroups(a: ExportRow, b: ExportRow, groupBy: readonly string[]): number {
  for (const d of groupBy) {
    const x = a[`x_${d}`]!;
    const y = b[`x_${d}`]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The export, one time page of rows at a time. */
export async function* exportCost(store: Store, spec: ExportSpec): AsyncGenerator<ExportRow[]> {
  if (!(spec.to.getTime() > spec.from.getTime())) throw new QueryError('to', 'must be after from');
  for (const [a, b] of pages(spec.from.getTime(), spec.to.getTime(), spec.granularity)) {
    const rows = await page(store, spec, a, b);
    if (rows.length > 0) yield rows;
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
