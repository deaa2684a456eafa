import { DIMENSIONS, MEASURES, TRACE_SORTS } from '@plumb/store';
import { json, type Handler } from './http.ts';

/** OpenAPI 3.1 description of /api/v1 (the endpoints this build serves). Enums come from the semantic layer. */
const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const strArr = { type: 'array', items: str } as const;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const q = (name: string, description: string, schema: object = str, extra: object = {}) => ({ name, in: 'query', description, schema, ...extra });

const timeParams = [
  q('from', 'Window start (inclusive): ISO 8601 or epoch milliseconds. Default: `to` − 24 h.'),
  q('to', 'Window end (exclusive): ISO 8601 or epoch milliseconds. Default: now.'),
];

const errors = {
  '400': { description: 'Invalid parameter (the message and `field` name it)', content: { 'application/json': { schema: ref('Error') } } },
  '401': { description: 'Missing, invalid or revoked API key', content: { 'application/json': { schema: ref('Error') } } },
  '403': { description: 'The key lacks the `read` scope', content: { 'application/json': { schema: ref('Error') } } },
};

const span = {
  type: 'object',
  description: 'One span. Times are ISO 8601 with microseconds; money is USD.',
  properties: {
    traceId: str, spanId: str, parentSpanId: { type: 'string', description: "'' for a root span" }, name: str, service: str,
    startTime: { type: 'string', format: 'date-time' }, endTime: { type: 'string', format: 'date-time' }, durationMs: num,
    status: { enum: ['ok', 'error', 'unset'] }, statusMessage: str, errorType: str, tenant: str, requestType: str, provider: str,
    operation: str, category: str, agent: str, tool: str, model: { type: 'string', description: 'Requested model' },
    responseModel: { type: 'string', description: 'Served model version' }, inputTokens: int, outputTokens: int,
    cacheReadTokens: int, cacheWriteTokens: int, reasoningTokens: int, costUsd: num, priceId: str,
    pricingStatus: { enum: ['none', 'priced', 'unpriced'] }, usageCounted: { type: 'boolean' }, ttftMs: { type: ['number', 'null'] },
    sessionId: str, userId: str, kind: { enum: ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] },
    links: { type: 'array', items: { type: 'object', properties: { traceId: str, spanId: str } } },
  },
};

const traceItem = {
  type: 'object',
  properties: {
    traceId: str, rootSpanId: str, rootName: str, service: str, startTime: { type: 'string', format: 'date-time' }, durationMs: num,
    spanCount: int, errorCount: int, status: { enum: ['ok', 'error'] }, tenant: str, requestType: str, sessionId: str, userId: str,
    models: strArr, agents: strArr, inputTokens: int, outputTokens: int, costUsd: num,
    costUsdExact: { type: 'string', description: 'Exact decimal USD' },
  },
};

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Plumb API',
    version: '1',
    description:
      'Read API for traces and semantic-layer metrics. Authenticate with `Authorization: Bearer <key>` (a key with the `read` scope; its project is the project queried). Errors are `{ "error": { "code", "message" } }`.',
  },
  servers: [{ url: '/api/v1' }],
  security: [{ bearer: [] }],
  paths: {
    '/traces': {
      get: {
        operationId: 'listTraces',
        summary: 'List traces whose root span starts in [from, to)',
        parameters: [
          ...timeParams,
          q('filter[service]', 'Root service (comma-separated or repeated for several)'),
          q('filter[tenant]', 'Tenant'),
          q('filter[request_type]', 'Request type'),
          q('filter[model]', 'A span of the trace called this model'),
          q('filter[agent]', 'A span of the trace ran in this agent'),
          q('filter[status]', 'Root status', { enum: ['ok', 'error'] }),
          q('filter[session]', 'Session id'),
          q('attr[key]', 'Some span has attribute `key` equal to the value (repeat with other keys; all must match)'),
          q('q', 'Case-insensitive substring of a span name'),
          q('minDurationMs', 'Minimum root duration', num),
          q('minCostUsd', 'Minimum trace cost', num),
          q('sort', 'Sort key', { enum: [...TRACE_SORTS], default: 'startTime' }),
          q('order', 'Sort order', { enum: ['asc', 'desc'], default: 'desc' }),
          q('limit', 'Page size', { type: 'integer', minimum: 1, maximum: 200, default: 50 }),
          q('cursor', 'Opaque cursor from `nextCursor` of the previous page (same sort and order)'),
        ],
        responses: {
          '200': {
            description: 'A page of traces',
            content: { 'application/json': { schema: { type: 'object', properties: { data: { type: 'array', items: ref('TraceListItem') }, nextCursor: { type: ['string', 'null'] } } } } },
          },
          ...errors,
        },
      },
    },
    '/traces/{traceId}': {
      get: {
        operationId: 'getTrace',
        summary: 'All spans of one trace with its critical path and failure origin',
        parameters: [{ name: 'traceId', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-fA-F]{1,64}$' } }],
        responses: {
          '200': {
            description: 'The trace',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    traceId: str,
                    spans: { type: 'array', items: ref('Span') },
                    criticalPath: { type: 'array', items: str, description: 'Span ids on the critical path, in time order' },
                    failureOrigin: { type: ['string', 'null'], description: 'Span where the failure that reached the root started' },
                    failureExplanation: str,
                  },
                },
              },
            },
          },
          '404': { description: 'No such trace in this project', content: { 'application/json': { schema: ref('Error') } } },
          ...errors,
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'queryMetrics',
        summary: 'Semantic-layer measures, optionally grouped and bucketed in time',
        parameters: [
          q('measure', 'Measures, comma-separated', { type: 'array', items: { enum: MEASURES.map((m) => m.name) } }, { required: true, style: 'form', explode: false }),
          q('groupBy', 'Dimensions, comma-separated', { type: 'array', items: { enum: DIMENSIONS.map((d) => d.name) } }, { style: 'form', explode: false }),
          ...timeParams,
          q('interval', 'Time bucket: 30s, 5m, 1h, 1d or milliseconds (≥ 1 s). Empty buckets are filled (0 for sums, null otherwise).'),
          q('filter[dimension]', 'Keep rows whose dimension is one of the values, e.g. filter[tenant]=acme'),
          q('orderBy', 'A requested measure to sort by (default: the first)'),
          q('order', 'Sort order', { enum: ['asc', 'desc'], default: 'desc' }),
          q('limit', 'Maximum rows', { type: 'integer', minimum: 1, maximum: 10000, default: 1000 }),
          q('fill', 'Set to false to skip gap filling', { enum: ['true', 'false'] }),
          q('money', 'Set to string for exact decimal USD strings', { enum: ['number', 'string'] }),
        ],
        responses: { '200': { description: 'Rows', content: { 'application/json': { schema: ref('MetricsResult') } } }, ...errors },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A Plumb API key with the read scope' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: str, message: str, field: str } } },
      },
      Span: span,
      TraceListItem: traceItem,
      MetricsResult: {
        type: 'object',
        properties: {
          measures: { type: 'array', items: { type: 'object', properties: { name: str, label: str, unit: { enum: ['count', 'ratio', 'ms', 'usd', 'tokens', 'bytes', 'watts'] } } } },
          rows: {
            type: 'array',
            items: {
              type: 'object',
              description: '`time` (bucket start, ISO) when interval is set, one key per groupBy dimension, one per measure (number or null).',
              additionalProperties: { type: ['string', 'number', 'null'] },
            },
          },
        },
      },
    },
  },
} as const;

/** GET /api/v1/openapi.json (public: it documents, it does not read data). */
export const openApiHandler: Handler = async () => json(200, OPENAPI, { 'cache-control': 'public, max-age=300' });
