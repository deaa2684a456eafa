import { z } from 'zod';
import { gpuPriceBody, gpuPricePath } from '../schemas/gpu.ts';
import type { OpenApiHelpers } from './openapi-quality.ts';

/** A GPU-hour price as the API answers it (store gpu-prices.ts GpuHourPrice). */
const gpuPriceSchema = z.object({
  id: z.string(),
  matchKind: z.enum(['gpu_model', 'host']),
  match: z.string(),
  usdPerGpuHour: z.string().describe('Exact decimal USD per GPU-hour'),
  effectiveFrom: z.number().describe('Epoch ms'),
  effectiveTo: z.number().nullable().describe('Epoch ms, or null: open-ended'),
  updatedBy: z.string(),
});

/**
 * The GPU-hour price part of the OpenAPI document (rest/gpu-prices.ts), kept apart from
 * openapi.ts so it grows without touching the shared file; openapi.ts spreads it in.
 */
export function gpuPaths(h: OpenApiHelpers): Record<string, unknown> {
  const { $schema: _s, ...price } = z.toJSONSchema(gpuPriceSchema) as Record<string, unknown>;
  const { $schema: _b, ...body } = z.toJSONSchema(gpuPriceBody, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const one = (description: string) => ({ '200': { description, content: { 'application/json': { schema: { type: 'object', properties: { data: price } } } } } });
  return {
    '/gpu-prices': {
      get: {
        operationId: 'listGpuPrices',
        summary: 'GPU-hour prices per GPU model or host (a host price wins over its GPU model); self-hosted GPU cost is GPU-hours × these',
        responses: { '200': { description: 'Prices', content: { 'application/json': { schema: { type: 'object', properties: { data: { type: 'array', items: price } } } } } }, ...h.errors('401', '403') },
      },
    },
    '/gpu-prices/{id}': {
      put: {
        operationId: 'putGpuPrice',
        summary: 'Create or replace the GPU-hour price with this id (write scope); idempotent. A bad field is a 400 naming it (e.g. `usdPerGpuHour`)',
        parameters: h.parameters(gpuPricePath, 'path'),
        requestBody: { required: true, content: { 'application/json': { schema: body } } },
        responses: { ...one('The price as stored'), ...h.errors('400', '401', '403') },
      },
    },
  };
}
