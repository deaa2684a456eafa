import { queryMetrics, type MetricsQuery } from '@plumb/store';
import { authenticateRead, json, requireGet, wrap, type Handler, type RestDeps } from './http.ts';
import { bracketParams, enumParam, intervalParam, listParam, numberParam, timeWindow } from './params.ts';

export function parseMetricsQuery(url: URL, projectId: string): MetricsQuery {
  const measures = [...listParam(url, 'measure'), ...listParam(url, 'measures')];
  return {
    projectId,
    measures,
    groupBy: listParam(url, 'groupBy'),
    ...timeWindow(url),
    intervalMs: intervalParam(url),
    filters: Object.fromEntries(bracketParams(url, 'filter')),
    limit: numberParam(url, 'limit', { integer: true, min: 1, max: 10_000 }),
    orderBy: url.searchParams.get('orderBy') ?? undefined,
    order: enumParam(url, 'order', ['asc', 'desc'] as const),
    fill: url.searchParams.get('fill') === 'false' ? false : undefined,
    exactMoney: url.searchParams.get('money') === 'string',
  };
}

/** GET /api/v1/metrics — the semantic layer over HTTP. */
export function metricsHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    requireGet(request);
    const { store, projectId } = await authenticateRead(request, deps);
    return json(200, await queryMetrics(store, parseMetricsQuery(new URL(request.url), projectId)));
  });
}
