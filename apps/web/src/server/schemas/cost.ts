import { DIMENSIONS } from '@plumb/store';
import { z } from 'zod';
import { stringList, text, time } from './primitives.ts';

/**
 * Schemas of the cost feature (prices, repricing), shared by tRPC, REST and OpenAPI.
 * Prices are decimal USD per 1M tokens, kept as text so they stay exact.
 */
const perMTok = z
  .string({ error: 'must be a decimal string (USD per 1M tokens)' })
  .regex(/^\d{1,9}(\.\d{1,12})?$/, { error: 'must be a non-negative decimal, at most 12 decimals (USD per 1M tokens)' });

export const priceOverrideInput = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'must be 1–64 letters, digits, dot, dash or underscore' }).describe('Stable id (spans priced by it carry `override:<id>`)'),
  provider: text(100).describe("Provider; '' = any"),
  modelPattern: text(200).min(1, { error: 'is required' }).describe("Exact model id, a prefix ending in '*', or /regex/"),
  effectiveFrom: time.describe('Applies to spans starting at or after this time'),
  effectiveTo: time.optional().describe('Ended: no longer applies from this time'),
  unit: z.enum(['token', 'gpu_hour'], { error: 'must be token or gpu_hour' }).optional()
    .describe('token (default): priced per token below; gpu_hour: a self-hosted model priced per GPU-hour (GPU-hour prices per GPU model or host), never both: no token price allowed'),
  inputPerMTok: perMTok.optional().describe('Required for unit token'),
  outputPerMTok: perMTok.optional().describe('Required for unit token'),
  cacheReadPerMTok: perMTok.optional(),
  cacheWritePerMTok: perMTok.optional(),
  reasoningPerMTok: perMTok.optional(),
});
export type PriceOverrideInput = z.infer<typeof priceOverrideInput>;

export const endOverrideInput = z.strictObject({ id: text(64).min(1), at: time.optional().describe('End time (default now)') });
export const removeOverrideInput = z.strictObject({ id: text(64).min(1) });

export const priceListQuery = z.strictObject({
  q: text(100).optional().describe('Case-insensitive substring of provider, model or price id'),
  limit: z.coerce.number().int().min(1).max(5000).optional().describe('At most this many bundled prices (default 200)'),
});

export const repriceInput = z
  .strictObject({ from: time.describe('Range start (inclusive)'), to: time.describe('Range end (exclusive)') })
  .refine((r) => r.to.getTime() > r.from.getTime(), { error: 'must be after from', path: ['to'] })
  .refine((r) => r.to.getTime() - r.from.getTime() <= 400 * 86_400_000, { error: 'at most 400 days', path: ['to'] });

const DIMENSION_NAMES = DIMENSIONS.map((d) => d.name) as [string, ...string[]];
const dimension = z.enum(DIMENSION_NAMES, { error: (iss) => `unknown dimension \`${String(iss.input)}\`; known: ${DIMENSION_NAMES.join(', ')}` });

/** GET /api/v1/cost/export (and the UI's export button). */
export const costExportQuery = z
  .strictObject({
    from: time.describe('Range start (inclusive): ISO 8601 or epoch ms'),
    to: time.describe('Range end (exclusive)'),
    groupBy: z.array(dimension, { error: 'must be a list of dimensions' }).max(4, { error: 'at most 4 dimensions' }).optional().describe('Dimensions, comma-separated (each becomes an x_<dim> column and a Tags key)'),
    filter: z
      .partialRecord(dimension, stringList(), {
        error: (iss) => {
          const keys = (iss as { code: string; keys?: string[] }).keys;
          return keys ? `unknown dimension \`${keys.join(', ')}\`; known: ${DIMENSION_NAMES.join(', ')}` : undefined;
        },
      })
      .optional()
      .describe('Only rows whose dimension has one of the values: filter[tenant]=acme,globex'),
    format: z.enum(['csv', 'json'], { error: 'must be csv or json' }).optional().describe('csv (default) or json'),
    granularity: z.enum(['hour', 'day', 'month'], { error: 'must be hour, day or month' }).optional().describe('Charge period (default day); months are UTC calendar months'),
  })
  .refine((r) => r.to.getTime() > r.from.getTime(), { error: 'must be after from', path: ['to'] })
  .refine((r) => r.to.getTime() - r.from.getTime() <= 400 * 86_400_000, { error: 'at most 400 days', path: ['to'] });

export const budgetInput = z
  .strictObject({
    scope: z.enum(['project', 'tenant'], { error: 'must be project or tenant' }),
    tenant: text(200).optional().describe('The tenant (scope tenant)'),
    monthlyUsd: z.string({ error: 'must be a decimal string' }).regex(/^\d{1,12}(\.\d{1,6})?$/, { error: 'must be a non-negative USD amount' }),
  })
  .refine((b) => b.scope === 'project' || (b.tenant ?? '').trim() !== '', { error: 'is required for a tenant budget', path: ['tenant'] });
export const budgetIdInput = z.strictObject({ id: text(300).min(1) });

export const whatIfInput = z
  .strictObject({
    from: time,
    to: time,
    fromModel: text(200).min(1, { error: 'is required' }).describe('Model whose calls are re-routed (request or response model)'),
    requestType: text(200).optional().describe('Only calls in requests of this type'),
    toProvider: text(100).describe('Provider of the target model'),
    toModel: text(200).min(1, { error: 'is required' }).describe('Target model (priced by the catalog)'),
  })
  .refine((r) => r.to.getTime() > r.from.getTime(), { error: 'must be after from', path: ['to'] });

export const monthInput = z.strictObject({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be YYYY-MM' }) });
export const reopenInput = z.strictObject({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be YYYY-MM' }),
  reason: text(500).trim().min(1, { error: 'a reopen needs a reason' }),
});
