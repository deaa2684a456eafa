import { criticalPath, failureAnalysis } from '@plumb/analytics';
import { getTrace, listTraces, TRACE_SORTS, type ListTracesQuery } from '@plumb/store';
import { toTraceSpan } from '../analysis.ts';
import { authenticateRead, badParam, HttpError, json, requireGet, wrap, type Handler, type RestDeps } from './http.ts';
import { bracketParams, enumParam, numberParam, timeWindow } from './params.ts';

/** `filter[...]` keys the trace list understands (snake_case as in the semantic layer, camelCase accepted). */
const TRACE_FILTERS: Record<string, 'service' | 'tenant' | 'requestType' | 'model' | 'agent' | 'status' | 'sessionId'> = {
  service: 'service', tenant: 'tenant', request_type: 'requestType', requestType: 'requestType', model: 'model',
  agent: 'agent', status: 'status', session: 'sessionId', session_id: 'sessionId', sessionId: 'sessionId',
};

export function parseTraceListQuery(url: URL, projectId: string): ListTracesQuery {
  const q: ListTracesQuery = { projectId, ...timeWindow(url) };
  for (const [key, values] of bracketParams(url, 'filter')) {
    const target = TRACE_FILTERS[key];
    if (!target) throw badParam(`filter[${key}]`, `unknown trace filter \`${key}\`; known: ${Object.keys(TRACE_FILTERS).join(', ')}`);
    if (target === 'status') {
      const v = values[0];
      if (values.length !== 1 || (v !== 'ok' && v !== 'error')) throw badParam('filter[status]', '`filter[status]` must be ok or error');
      q.status = v;
    } else if (target === 'sessionId') {
      q.sessionId = values[0];
    } else {
      q[target] = values;
    }
  }
  const attrs = bracketParams(url, 'attr', false);
  if (attrs.size) q.attributes = Object.fromEntries([...attrs].map(([k, v]) => [k, v[v.length - 1]!]));
  const text = url.searchParams.get('q');
  if (text) q.text = text;
  q.minDurationMs = numberParam(url, 'minDurationMs', { min: 0 });
  q.minCostUsd = numberParam(url, 'minCostUsd', { min: 0 });
  q.limit = numberParam(url, 'limit', { integer: true, min: 1, max: 200 });
  q.sort = enumParam(url, 'sort', TRACE_SORTS);
  q.order = enumParam(url, 'order', ['asc', 'desc'] as const);
  q.cursor = url.searchParams.get('cursor') ?? undefined;
  return q;
}

/** GET /api/v1/traces */
export function listTracesHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    requireGet(request);
    const { store, projectId } = await authenticateRead(request, deps);
    const page = await listTraces(store, parseTraceListQuery(new URL(request.url), projectId));
    return json(200, { data: page.items, nextCursor: page.nextCursor });
  });
}

const TRACE_ID = /^[0-9a-fA-F]{1,64}$/;

/** GET /api/v1/traces/{traceId}: spans + critical path (span ids) + failure origin (span id or null). */
export function getTraceHandler(deps: RestDeps): Handler {
  return wrap(async (request) => {
    requireGet(request);
    const { store, projectId } = await authenticateRead(request, deps);
    const segments = new URL(request.url).pathname.split('/').filter(Boolean);
    const traceId = decodeURIComponent(segments[segments.length - 1] ?? '');
    if (!TRACE_ID.test(traceId)) throw badParam('traceId', '`traceId` must be a hex trace id');
    const trace = await getTrace(store, projectId, traceId.toLowerCase());
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
