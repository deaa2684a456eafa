import { GPU_JOINS } from '@plumb/store';
import { z } from 'zod';
import { text, time } from './primitives.ts';

/** Schemas of the GPU page (GPU-hour prices, self-hosted cost split), shared by tRPC and REST. */
export const gpuCostQuery = z
  .strictObject({
    from: time.describe('Range start (inclusive)'),
    to: time.describe('Range end (exclusive)'),
    join: z.enum(GPU_JOINS as [string, ...string[]]).optional().describe('How spans are joined to a GPU host: served_model (default), host, server_address, k8s_pod'),
    spreadIdle: z.boolean().optional().describe('Spread idle GPU cost by the same tenant shares instead of showing it as its own line'),
  })
  .refine((r) => r.to.getTime() > r.from.getTime(), { error: 'must be after from', path: ['to'] })
  .refine((r) => r.to.getTime() - r.from.getTime() <= 93 * 86_400_000, { error: 'at most 93 days', path: ['to'] });

/** A GPU-hour price's id (tRPC input, REST path). */
export const gpuPriceIdText = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, { error: 'must be 1–64 letters, digits, dot, colon, dash or underscore' });

export const gpuPriceInput = z.strictObject({
  id: gpuPriceIdText.optional().describe('Id of the price to edit; omitted: a new price'),
  matchKind: z.enum(['gpu_model', 'host']).describe('Price every GPU of this model, or every GPU of this host (a host price wins)'),
  match: text(200).min(1, { error: 'is required' }).describe('GPU model as the exporter reports it (e.g. NVIDIA H100 80GB HBM3), or the host name'),
  usdPerGpuHour: z.string({ error: 'must be a decimal string (USD per GPU-hour)' })
    .regex(/^\d{1,9}(\.\d{1,12})?$/, { error: 'must be a non-negative decimal, at most 12 decimals (USD per GPU-hour)' }),
  effectiveFrom: time.optional().describe('Applies to GPU-hours starting at or after this time (default: the beginning)'),
});

export const gpuPriceId = z.strictObject({ id: text(64).min(1, { error: 'is required' }) });

/** REST PUT /api/v1/gpu-prices/{id}: the price itself; the id is the path's. */
export const gpuPriceBody = gpuPriceInput.omit({ id: true });
export const gpuPricePath = z.strictObject({ id: gpuPriceIdText.describe('Id of the price (created when new, replaced when it exists)') });
