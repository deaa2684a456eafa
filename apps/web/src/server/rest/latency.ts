import { LatencyInputError, runRegression, runStages } from '../routers/latency-regression.ts';
import { regressionQuery, stagesQuery } from '../schemas/latency-regression.ts';
import { authenticateRead, badParam, HttpError, json, requireGet, wrap, type Handler, type RestDeps } from './http.ts';
import { parseWith, queryObject } from './query-string.ts';

const answer = async <T>(p: Promise<T>): Promise<T> => {
  try {
    return await p;
  } catch (err) {
    if (err instanceof LatencyInputError) throw badParam(err.field, `\`${err.field}\` ${err.message}`);
    throw err;
  }
};

/**
 * GET /api/v1/latency/regression: baseline vs comparison window (default the last hour vs the
 * same hour a week earlier; `deployAt` for before/after a deploy): p95 change with a bootstrap CI,
 * slow-rate change split into traffic mix and within-segment slowdown per dimension, values
 * ranked by over-representation among slow requests, stage comparison, exemplar traces.
 */
export function latencyRegressionHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    requireGet(request);
    const { store, projectId } = await authenticateRead(request, deps);
    const input = parseWith(regressionQuery, queryObject(request.url, regressionQuery));
    return json(200, { data: await answer(runRegression(store, projectId, input)) });
  });
}

/** GET /api/v1/latency/stages: one request's stages (`traceId`), or per-segment stage shares of a window. */
export function latencyStagesHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    requireGet(request);
    const { store, projectId } = await authenticateRead(request, deps);
    const input = parseWith(stagesQuery, queryObject(request.url, stagesQuery));
    const r = await runStages(store, projectId, input);
    if (r.kind === 'request' && !r.request) {
      throw new HttpError(404, 'not_found', `no stage row for trace ${input.traceId}: unknown, without a root span, or not computed yet (the worker computes it within a minute)`);
    }
    return json(200, { data: r });
  });
}
