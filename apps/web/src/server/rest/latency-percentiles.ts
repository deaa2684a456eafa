import { latencyPercentiles } from '@plumb/store';
import { latencyPercentilesQuery, latencyWindow } from '../schemas/latency-explore.ts';
import { authenticateRead, json, requireGet, wrap, type Handler, type RestDeps } from './http.ts';
import { parseWith, queryObject } from './query-string.ts';

/**
 * GET /api/v1/latency/percentiles — the /latency page's chart over HTTP: p50/p90/p95/p99 per
 * group of one dimension, over the window and per bucket (same input schema as tRPC
 * `latency.percentiles`).
 */
export function latencyPercentilesHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    requireGet(request);
    const { store, projectId } = await authenticateRead(request, deps);
    const input = parseWith(latencyPercentilesQuery, queryObject(request.url, latencyPercentilesQuery));
    const w = latencyWindow(input);
    return json(200, await latencyPercentiles(store, { projectId, ...w, dimension: input.dimension, limit: input.limit }));
  });
}
