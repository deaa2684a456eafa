import { LATENCY_DIMENSIONS } from '@plumb/store';
import { z } from 'zod';
import { latencyPercentilesQuery } from '../schemas/latency-explore.ts';
import type { OpenApiHelpers } from './openapi-quality.ts';

const stats = {
  requests: z.number().int().describe('Subject spans (requests, or model calls / agent runs for those dimensions)'),
  p50: z.number().nullable().describe('ms'),
  p90: z.number().nullable().describe('ms'),
  p95: z.number().nullable().describe('ms'),
  p99: z.number().nullable().describe('ms'),
};
const latencyPercentilesSchema = z.object({
  fromMs: z.number(),
  toMs: z.number(),
  intervalMs: z.number(),
  dimension: z.enum(LATENCY_DIMENSIONS).nullable(),
  series: z.array(z.object({
    key: z.string().describe("The dimension value ('' = the empty group; '' for the ungrouped series)"),
    window: z.object(stats).describe('Over the whole window: sketches merged, never an average of the points'),
    points: z.array(z.object({ t: z.number().describe('Bucket start, epoch ms'), ...stats })),
  })),
  leftOut: z.object({ groups: z.number(), totals: z.record(z.string(), z.number()) }).nullable(),
  approximate: z.boolean().describe('Percentiles merged from hourly DDSketch states (≤ 2 % relative error)'),
  source: z.enum(['spans', 'rollup']),
});

/** The /latency page's REST path (the regression view's paths are latency-regression's). */
export const LATENCY_EXPLORE_COMPONENTS = { LatencyPercentiles: latencyPercentilesSchema } as const;

export function latencyExplorePaths(h: OpenApiHelpers): Record<string, unknown> {
  return {
    '/latency/percentiles': {
      get: {
        operationId: 'latencyPercentiles',
        summary: 'p50/p90/p95/p99 latency over time and over the window, per group of one dimension (top groups by requests)',
        parameters: h.parameters(latencyPercentilesQuery, 'query'),
        responses: {
          '200': { description: 'Series', content: { 'application/json': { schema: h.ref('LatencyPercentiles') } } },
          ...h.errors('400', '401', '403', '414'),
        },
      },
    },
  };
}
