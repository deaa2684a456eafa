import { z } from 'zod';
import { text, time } from './primitives.ts';

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
  inputPerMTok: perMTok,
  outputPerMTok: perMTok,
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
