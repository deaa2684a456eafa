import { MAX_TRACE_PAGE, TRACE_SORTS } from '@plumb/store';
import { z } from 'zod';

/** ISO 8601 string, epoch milliseconds, or a Date (superjson); the store validates and names the field. */
export const timeInput = z.union([z.number(), z.string(), z.date()]);

export const rangeInput = z.object({ from: timeInput, to: timeInput });

const strings = z.array(z.string()).max(100);

export const listTracesInput = z.object({
  from: timeInput,
  to: timeInput,
  service: strings.optional(),
  tenant: strings.optional(),
  requestType: strings.optional(),
  model: strings.optional(),
  agent: strings.optional(),
  sessionId: z.string().optional(),
  status: z.enum(['ok', 'error']).optional(),
  minDurationMs: z.number().nonnegative().optional(),
  minCostUsd: z.number().nonnegative().optional(),
  attributes: z.record(z.string(), z.string()).optional(),
  text: z.string().max(200).optional(),
  sort: z.enum(TRACE_SORTS).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  cursor: z.string().max(2000).optional(),
  limit: z.number().int().min(1).max(MAX_TRACE_PAGE).optional(),
});

export const traceIdInput = z.object({ traceId: z.string().min(1).max(64) });
export const spanInput = z.object({ traceId: z.string().min(1).max(64), spanId: z.string().min(1).max(64) });
export const sessionInput = z.object({ sessionId: z.string().min(1).max(500) });

export const metricsInput = z.object({
  measures: z.array(z.string()).min(1).max(30),
  groupBy: z.array(z.string()).max(5).optional(),
  from: timeInput,
  to: timeInput,
  intervalMs: z.number().int().optional(),
  filters: z.record(z.string(), z.array(z.string())).optional(),
  limit: z.number().int().optional(),
  orderBy: z.string().optional(),
  order: z.enum(['asc', 'desc']).optional(),
  fill: z.boolean().optional(),
});

export const overviewInput = z.object({ from: timeInput, to: timeInput, intervalMs: z.number().int().optional() });

/** The overview page's top-N lists, by camelCase name → semantic-layer dimension. */
export const TOP_DIMENSIONS = { model: 'model', tenant: 'tenant', agent: 'agent', requestType: 'request_type' } as const;
export const topInput = z.object({
  from: timeInput,
  to: timeInput,
  dimension: z.enum(['model', 'tenant', 'agent', 'requestType']),
  limit: z.number().int().min(1).max(100).optional(),
});
