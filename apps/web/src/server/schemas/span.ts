import type { TraceSpanRecord } from '@plumb/store';
import { z } from 'zod';

/**
 * The public span, as REST returns it and the OpenAPI document describes it (the `Span`
 * component). This module is the ONE place the web layer declares it: when @plumb/store exports
 * the JSON Schema of its span field table, `spanJsonSchema` becomes that export and `declared`
 * with its type check goes; response schemas only hold `spanRef`, a reference to the component.
 * Until then the type check at the bottom fails the build if this shape and the store's
 * TraceSpanRecord drift apart.
 */
const declared = z
  .object({
    traceId: z.string(),
    spanId: z.string(),
    parentSpanId: z.string().describe("'' for a root span"),
    name: z.string(),
    service: z.string(),
    startTime: z.string().describe('ISO 8601 with microseconds'),
    endTime: z.string().describe('ISO 8601 with microseconds'),
    durationMs: z.number(),
    status: z.enum(['ok', 'error', 'unset']),
    statusMessage: z.string(),
    errorType: z.string(),
    tenant: z.string(),
    requestType: z.string(),
    provider: z.string(),
    operation: z.string(),
    category: z.string(),
    agent: z.string(),
    tool: z.string(),
    model: z.string().describe('Requested model'),
    responseModel: z.string().describe('Served model version'),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    cacheReadTokens: z.number().int(),
    cacheWriteTokens: z.number().int(),
    reasoningTokens: z.number().int(),
    costUsd: z.number().describe('USD; 0 when pricingStatus is unpriced (the cost is unknown, not zero)'),
    priceId: z.string(),
    pricingStatus: z.enum(['none', 'priced', 'unpriced']),
    usageCounted: z.boolean().describe("False for wrappers that repeat their children's usage; they never add to totals"),
    ttftMs: z.number().nullable(),
    sessionId: z.string(),
    userId: z.string(),
    links: z.array(z.object({ traceId: z.string(), spanId: z.string() })),
    kind: z.enum(['unspecified', 'internal', 'server', 'client', 'producer', 'consumer']),
  })
  .describe('One span. Times are ISO 8601 with microseconds; money is USD.');

/** JSON Schema of the public span: the OpenAPI `Span` component. */
export const spanJsonSchema: Readonly<Record<string, unknown>> = (() => {
  const { $schema: _s, ...schema } = z.toJSONSchema(declared, { io: 'output' }) as Record<string, unknown>;
  return schema;
})();

/** A span inside a response schema: a `$ref` to the Span component. */
export const spanRef = z.custom<TraceSpanRecord>(() => true).meta({ $ref: '#/components/schemas/Span' });

// Both directions: every store field is declared here, and nothing here is missing from the store.
type Declared = z.infer<typeof declared>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const spanShapeMatchesStore: Same<Declared, TraceSpanRecord> = true;
void spanShapeMatchesStore;
