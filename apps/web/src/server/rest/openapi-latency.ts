import { regressionQuery, stagesQuery } from '../schemas/latency-regression.ts';
import type { OpenApiHelpers } from './openapi-quality.ts';

/** The latency part of the OpenAPI document (issue 10), spread into openapi.ts's paths. */
export function latencyPaths(h: OpenApiHelpers): Record<string, unknown> {
  const data = (description: string) => ({ '200': { description, content: { 'application/json': { schema: { type: 'object', properties: { data: { type: 'object' } } } } } } });
  return {
    '/latency/regression': {
      get: {
        operationId: 'latencyRegression',
        summary:
          'p95 regression root cause: baseline vs comparison window (default the last hour vs the same hour a week earlier, or before/after `deployAt`). ' +
          'Returns `p95` (baseline, comparison, change, 95 % bootstrap `ci`), `thresholdMs` (slow = above the baseline p95), `attribution` ' +
          '(slow-rate change = `mix` + `within` per dimension; `segments` ranked by `overRepresentation` among slow requests, with `score` = TVD), ' +
          '`stages` (mean ms and share per stage — queue, prefill, decode, llm, retrieval, tool, own — for all and for slow requests of each window), ' +
          '`worst` segment and its slowest `exemplars` (trace ids). Computed from per-request stage rows the worker writes once per trace.',
        parameters: h.parameters(regressionQuery, 'query'),
        responses: { ...data('The analysis'), ...h.errors('400', '401', '403', '414') },
      },
    },
    '/latency/stages': {
      get: {
        operationId: 'latencyStages',
        summary:
          "Critical-path time per stage: one request's (`traceId`; 404 while its row is not computed) or, per segment of a window, each stage's share " +
          "of all requests' critical-path time and of those at or above the window's p95.",
        parameters: h.parameters(stagesQuery, 'query'),
        responses: { ...data('Stages'), ...h.errors('400', '401', '403', '404', '414') },
      },
    },
  };
}
