import { queryMetrics } from '@plumb/store';
import { ensurePricesForMeasures } from '../cost/prices.ts';
import { metricsQuery, toMetricsQuery } from '../schemas/index.ts';
import { authenticateRead, json, requireGet, wrap, type Handler, type RestDeps } from './http.ts';
import { parseWith, queryObject } from './query-string.ts';

/** GET /api/v1/metrics — the semantic layer over HTTP. */
export function metricsHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    requireGet(request);
    const { store, projectId } = await authenticateRead(request, deps);
    const input = parseWith(metricsQuery, queryObject(request.url, metricsQuery));
    await ensurePricesForMeasures(store, projectId, input.measures);
    return json(200, await queryMetrics(store, toMetricsQuery(input, projectId)));
  });
}
