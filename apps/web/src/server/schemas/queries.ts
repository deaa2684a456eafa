import { DIMENSIONS, MAX_TRACE_PAGE, MEASURES, TRACE_SORTS, type ListTracesQuery, type MetricsQuery, type OverviewFilters, type TraceSummaryQuery } from '@plumb/store';
import { z } from 'zod';
import { bounded, flag, hexId, int, interval, sortOrder, stringList, text, time } from './primitives.ts';

/**
 * One zod schema per query, shared by the tRPC procedure, the REST route (after its URL → object
 * step, see rest/query-string.ts) and the OpenAPI document (generated from these, rest/openapi.ts).
 * Property names ARE the REST parameter names: a list is `name=a,b` (or repeated), an object or
 * record is `name[key]=value`. Objects are strict: an unknown parameter is a 400 naming it.
 *
 * `from` / `to` are optional; `to` defaults to now and `from` to 24 hours before `to` (see window).
 */

export const DEFAULT_WINDOW_MS = 24 * 3_600_000;

const windowFields = {
  from: time.optional().describe('Window start (inclusive): ISO 8601 or epoch milliseconds. Default: `to` − 24 h.'),
  to: time.optional().describe('Window end (exclusive): ISO 8601 or epoch milliseconds. Default: now.'),
};

/** The [from, to) window with defaults applied; the store checks that `to` is after `from`. */
export function window(q: { from?: Date | undefined; to?: Date | undefined }): { from: Date; to: Date } {
  const to = q.to ?? new Date();
  return { from: q.from ?? new Date(to.getTime() - DEFAULT_WINDOW_MS), to };
}

const MEASURE_NAMES = MEASURES.map((m) => m.name) as [string, ...string[]];
const DIMENSION_NAMES = DIMENSIONS.map((d) => d.name) as [string, ...string[]];
const measure = z.enum(MEASURE_NAMES, { error: (iss) => `unknown measure \`${String(iss.input)}\`; known: ${MEASURE_NAMES.join(', ')}` });
const dimension = z.enum(DIMENSION_NAMES, { error: (iss) => `unknown dimension \`${String(iss.input)}\`; known: ${DIMENSION_NAMES.join(', ')}` });

/**
 * The overview's global filters: semantic dimensions (any of the values within one, all across).
 * Every KPI, series point and table row is computed under them.
 */
const overviewFilter = z.strictObject({
  service: stringList().optional().describe('Service'),
  environment: stringList().optional().describe('Deployment environment'),
  tenant: stringList().optional().describe('Tenant'),
  request_type: stringList().optional().describe('Request type'),
});

/** The overview page: KPIs, the time series and the four top-10 tables in one call. */
export const overviewQuery = z.strictObject({
  ...windowFields,
  interval: interval.optional().describe('Bucket width of the series (default: about 120 buckets over the window)'),
  filter: overviewFilter.optional().describe('Global filters: filter[tenant]=acme,globex, filter[service]=api, …'),
});
export type OverviewInput = z.input<typeof overviewQuery>;

/** Parsed overview filter → the store's (semantic dimension names). */
export function toOverviewFilters(f: z.output<typeof overviewFilter> | undefined): OverviewFilters {
  return { service: f?.service, environment: f?.environment, tenant: f?.tenant, request_type: f?.request_type };
}

/** Distinct values for the explorer's filter suggestions. */
export const filterOptionsQuery = z.strictObject({ ...windowFields });

/** `filter[...]` keys of the trace list. The empty value (`filter[tenant]=`) is the empty group. */
const EMPTY = ' The empty value (`filter[x]=`, alone or repeated beside others) selects';
const traceFilter = z.strictObject({
  service: stringList().optional().describe(`Root service.${EMPTY} traces without one`),
  environment: stringList().optional().describe(`Root environment.${EMPTY} traces without one`),
  tenant: stringList().optional().describe(`Tenant.${EMPTY} traces without a tenant ("(no tenant)")`),
  request_type: stringList().optional().describe(`Request type.${EMPTY} untyped traces`),
  model: stringList().optional().describe(`Some span of the trace requested or was served this model or one of its versions (gpt-4o matches gpt-4o-2024-08-06, not gpt-4o-mini); a value ending in * is a plain prefix (claude*).${EMPTY} traces with a model call that names no model`),
  agent: stringList().optional().describe(`Some span of the trace ran in this agent.${EMPTY} traces with a model call outside any agent ("(no agent)")`),
  status: z.enum(['ok', 'error'], { error: 'must be ok or error' }).optional().describe('Root status'),
  session: text(500).optional().describe('Session id'),
});

/** The filter fields of the trace list (the summary takes exactly these). */
const traceFilterFields = {
  ...windowFields,
  filter: traceFilter.optional().describe('Filters: filter[tenant]=a,b, filter[status]=error, …'),
  attr: z
    .record(text(256), text(), { error: 'must map attribute keys to string values' })
    .refine((r) => Object.keys(r).length <= 20, { error: 'at most 20 attribute filters' })
    .optional()
    .describe('Some span has attribute `key` equal to the value (attr[key]=value; all must match)'),
  q: text(200).optional().describe('Case-insensitive substring of a span name'),
  minDurationMs: bounded(0, 1e12).optional().describe('Minimum root duration, ms'),
  minCostUsd: bounded(0, 1e9).optional().describe('Minimum trace cost, USD'),
};

export const traceListQuery = z.strictObject({
  ...traceFilterFields,
  sort: z.enum(TRACE_SORTS, { error: `must be one of ${TRACE_SORTS.join(', ')}` }).optional().describe('Sort key (default startTime)'),
  order: sortOrder.optional().describe('Sort order (default desc)'),
  limit: int(1, MAX_TRACE_PAGE).optional().describe('Page size (default 50)'),
  cursor: text(2000).optional().describe('Opaque cursor from `nextCursor` of the previous page (same sort and order)'),
});
export type TraceListInput = z.input<typeof traceListQuery>;

/** Count, failures, p50/p95, cost and tokens of every trace the list's filter selects. */
export const traceSummaryQuery = z.strictObject(traceFilterFields);
export type TraceSummaryInput = z.input<typeof traceSummaryQuery>;

/** Parsed trace-summary input → the store's query. */
export function toTraceSummaryQuery(q: z.output<typeof traceSummaryQuery>, projectId: string): TraceSummaryQuery {
  const f = q.filter ?? {};
  return {
    projectId,
    ...window(q),
    service: f.service,
    environment: f.environment,
    tenant: f.tenant,
    requestType: f.request_type,
    model: f.model,
    agent: f.agent,
    status: f.status,
    sessionId: f.session,
    attributes: q.attr,
    text: q.q,
    minDurationMs: q.minDurationMs,
    minCostUsd: q.minCostUsd,
  };
}

/** Parsed trace-list input → the store's query. */
export function toListTracesQuery(q: z.output<typeof traceListQuery>, projectId: string): ListTracesQuery {
  return {
    ...toTraceSummaryQuery(q, projectId),
    sort: q.sort,
    order: q.order,
    limit: q.limit,
    cursor: q.cursor,
  };
}

export const traceQuery = z.strictObject({ traceId: hexId('trace id') });
export const spanQuery = z.strictObject({ traceId: hexId('trace id'), spanId: hexId('span id') });
export const sessionQuery = z.strictObject({ sessionId: text(500).min(1, { error: 'is required' }) });

export const metricsQuery = z.strictObject({
  measures: z.array(measure, { error: (iss) => (iss.input === undefined ? `at least one measure is required; known: ${MEASURE_NAMES.join(', ')}` : 'must be a list of measures') }).min(1, { error: `at least one measure is required; known: ${MEASURE_NAMES.join(', ')}` }).max(30, { error: 'at most 30 measures' }).describe('Measures, comma-separated'),
  groupBy: z.array(dimension, { error: 'must be a list of dimensions' }).max(5, { error: 'at most 5 dimensions' }).optional().describe('Dimensions, comma-separated'),
  ...windowFields,
  interval: interval.optional().describe('Bucket width (30s, 5m, 1h, 1d); omit for one row per group'),
  filter: z
    .partialRecord(dimension, stringList(), {
      // zod reports an unknown key of a partial record as unrecognized_keys (its types do not say so).
      error: (iss) => {
        const keys = (iss as { code: string; keys?: string[] }).keys;
        return keys ? `unknown dimension \`${keys.join(', ')}\`; known: ${DIMENSION_NAMES.join(', ')}` : undefined;
      },
    })
    .optional()
    .describe(
      'Only rows whose dimension has one of the values: filter[tenant]=acme,globex. The empty value selects the empty group ' +
        '("(no tenant)", "(no agent)"…): `filter[tenant]=` alone, or repeated beside others (`filter[tenant]=acme&filter[tenant]=`).',
    ),
  limit: int(1, 10_000)
    .optional()
    .describe(
      'Groups per page (default 1000): rows with groupBy, series of a grouped time series (each with every bucket); ignored without groupBy. ' +
        'A cut result says what it left out (`leftOut`) and pages on with `nextCursor`.',
    ),
  cursor: text(2000).optional().describe('`nextCursor` of the previous page; every other parameter (from and to included) as on the first page'),
  orderBy: measure.optional().describe('Measure to sort by (default: the first)'),
  order: sortOrder.optional().describe('Sort order (default desc)'),
  fill: flag.optional().describe('Set to false to skip gap filling of time series'),
  money: z.enum(['number', 'string'], { error: 'must be number or string' }).optional().describe('string: USD measures as exact decimal strings'),
});
export type MetricsInput = z.input<typeof metricsQuery>;

/** Parsed metrics input → the semantic layer's query. */
export function toMetricsQuery(q: z.output<typeof metricsQuery>, projectId: string): MetricsQuery {
  return {
    projectId,
    measures: q.measures,
    groupBy: q.groupBy,
    ...window(q),
    intervalMs: q.interval,
    filters: q.filter as Record<string, string[]> | undefined,
    limit: q.limit,
    cursor: q.cursor,
    orderBy: q.orderBy,
    order: q.order,
    fill: q.fill,
    exactMoney: q.money === 'string',
  };
}
