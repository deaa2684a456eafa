import { SPAN_JSON_SCHEMA, type TraceSpanRecord } from '@plumb/store';
import { z } from 'zod';

/**
 * The public span, as REST returns it and the OpenAPI document describes it (the `Span`
 * component): the JSON Schema derived from the store's span field table (packages/store
 * schema/spans.ts), so a new public column reaches the API document with no edit here.
 */
export const spanJsonSchema: Readonly<Record<string, unknown>> = SPAN_JSON_SCHEMA;

/** A span inside a response schema: a `$ref` to the Span component. */
export const spanRef = z.custom<TraceSpanRecord>(() => true).meta({ $ref: '#/components/schemas/Span' });
