import type { MetricsResult, TraceListItem, TraceListSummary } from '@plumb/store';
import { z } from 'zod';
import { spanRef } from './span.ts';

/**
 * Response shapes of /api/v1, for the OpenAPI document. The handlers return store objects; the
 * type checks below fail the build when a declared field is missing from (or typed differently
 * than) what the store returns. Objects are open (the store may add fields).
 */

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('Machine-readable: invalid_parameter, unauthorized, forbidden, not_found, …'),
      message: z.string(),
      field: z.string().optional().describe('The parameter that was wrong (400s)'),
    }),
  })
  .describe('Every error: `{ "error": { "code", "message", "field"? } }`');

export const traceListItemSchema = z.looseObject({
  traceId: z.string(),
  rootSpanId: z.string(),
  rootName: z.string().describe("'' when the root span has not arrived"),
  service: z.string(),
  startTime: z.string().describe('Root start, ISO 8601 with microseconds'),
  durationMs: z.number(),
  spanCount: z.number().int(),
  errorCount: z.number().int(),
  status: z.enum(['ok', 'error']),
  tenant: z.string(),
  requestType: z.string(),
  sessionId: z.string(),
  userId: z.string(),
  models: z.array(z.string()),
  agents: z.array(z.string()),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number().describe('Priced spend, USD (unpriced spans add nothing: see unpricedSpans)'),
  costUsdExact: z.string().describe('The same as exact decimal text'),
  unpricedSpans: z.number().int().describe('Model calls with no matching price: their cost is unknown and not in costUsd'),
});

export const traceListPageSchema = z.object({
  data: z.array(traceListItemSchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
});

export const traceSummarySchema = z.looseObject({
  traces: z.number().int().describe('Traces the filter selects (all pages)'),
  failed: z.number().int().describe('Of these, traces whose root failed'),
  withErrors: z.number().int().describe('Traces with at least one error span (failed or recovered)'),
  p50DurationMs: z.number().nullable().describe('Median root duration, ms (exact); null when no trace'),
  p95DurationMs: z.number().nullable().describe('95th percentile root duration, ms (exact); null when no trace'),
  costUsd: z.number().describe('Priced spend, USD (unpriced spans add nothing: see unpricedSpans)'),
  costUsdExact: z.string().describe('The same as exact decimal text'),
  unpricedSpans: z.number().int().describe('Model calls with no matching price: their cost is unknown and not in costUsd'),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
});

export const traceResponseSchema = z.object({
  traceId: z.string(),
  spans: z.array(spanRef),
  criticalPath: z.array(z.string()).describe('Span ids on the critical path, in time order'),
  failureOrigin: z.string().nullable().describe('Span where the failure that reached the root started'),
  failureExplanation: z.string(),
});

export const metricsResultSchema = z.object({
  measures: z.array(z.object({ name: z.string(), label: z.string(), unit: z.string() })),
  rows: z
    .array(z.record(z.string(), z.union([z.string(), z.number(), z.null()])))
    .describe(
      '`time` (bucket start, ISO) when interval is set, one key per groupBy dimension, one per measure (number, exact string with money=string, or null). ' +
        'The empty group (no tenant, no agent, …) is a row with the value "": additive measures of all rows (+ leftOut) add up to the ungrouped total.',
    ),
  leftOut: z
    .object({
      groups: z.number().int().describe('Groups (series, with interval) after the last one returned'),
      totals: z.record(z.string(), z.union([z.number(), z.string()])).describe('Additive measures summed over those groups (rows + these = the total)'),
    })
    .nullable()
    .describe('null when the rows hold every group from this page on; otherwise what the limit left out (never dropped silently)'),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page of groups; null on the last page'),
});

// The store's objects satisfy the declared shapes (one direction: the store may carry more).
type Known<T> = { [K in keyof T as string extends K ? never : K]: T[K] };
export const storeFitsDeclared = {
  traceListItem: (x: TraceListItem): Known<z.infer<typeof traceListItemSchema>> => x,
  metrics: (x: MetricsResult): z.infer<typeof metricsResultSchema> => x,
  traceSummary: (x: TraceListSummary): Known<z.infer<typeof traceSummarySchema>> => x,
};
