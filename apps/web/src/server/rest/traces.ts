import { criticalPath, failureAnalysis } from '@plumb/analytics';
import { getTrace, listTraces, summarizeTraces } from '@plumb/store';
import { toTraceSpan } from '../analysis.ts';
import { toListTracesQuery, toTraceSummaryQuery, traceListQuery, traceQuery, traceSummaryQuery } from '../schemas/index.ts';
import { authenticateRead, badParam, HttpError, json, requireGet, wrap, type Handler, type RestDeps } from './http.ts';
import { parseWith, queryObject, queryPairs } from './query-string.ts';

/** GET /api/v1/traces */
export function listTracesHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    requireGet(request);
    const { store, projectId } = await authenticateRead(request, deps);
    const input = parseWith(traceListQuery, queryObject(request.url, traceListQuery));
    const page = await listTraces(store, toListTracesQuery(input, projectId));
    return json(200, { data: page.items, nextCursor: page.nextCursor });
  });
}

/** GET /api/v1/traces/summary: the numbers of every trace the list's filter selects. */
export function traceSummaryHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    requireGet(request);
    const { store, projectId } = await authenticateRead(request, deps);
    const input = parseWith(traceSummaryQuery, queryObject(request.url, traceSummaryQuery));
    return json(200, await summarizeTraces(store, toTraceSummaryQuery(input, projectId)));
  });
}

/** The last path segment, percent-decoded (a bad encoding is a 400 naming `traceId`). */
function traceIdSegment(url: string): string {
  const path = url.replace(/^[a-z]+:\/\/[^/]*/i, '').split(/[?#]/)[0] ?? '';
  const raw = path.split('/').filter(Boolean).pop() ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badParam('traceId', '`traceId` is not valid percent-encoded UTF-8');
  }
}

/** GET /api/v1/traces/{traceId}: spans + critical path (span ids) + failure origin (span id or null). */
export function getTraceHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    requireGet(request);
    const { store, projectId } = await authenticateRead(request, deps);
    const extra = queryPairs(request.url)[0];
    if (extra) throw badParam(extra[0], `unknown parameter \`${extra[0]}\``);
    const { traceId } = parseWith(traceQuery, { traceId: traceIdSegment(request.url) });
    const trace = await getTrace(store, projectId, traceId);
    if (!trace) throw new HttpError(404, 'not_found', `trace ${traceId} not found`);
    const spans = trace.spans.map(toTraceSpan);
    const failure = failureAnalysis(spans);
    return json(200, {
      traceId: trace.traceId,
      spans: trace.spans,
      criticalPath: criticalPath(spans).spanIds,
      failureOrigin: failure.originSpanId,
      failureExplanation: failure.explanation,
    });
  });
}
