import { bundleInput } from './bundles.ts';
import { z } from 'zod';
import {
  errorSchema, metricsQuery, metricsResultSchema, spanJsonSchema, traceListPageSchema, traceListItemSchema, traceListQuery, traceQuery, traceResponseSchema,
  traceSummaryQuery, traceSummarySchema,
} from '../schemas/index.ts';
import { createKeyInput, revokeKeyInput } from '../routers/keys.ts';
import { costExportQuery, monthInput, priceListQuery, priceOverrideInput, repriceInput } from '../schemas/cost.ts';
import { json, type Handler } from './http.ts';
import { QUALITY_COMPONENTS, qualityPaths } from './openapi-quality.ts';
import { LATENCY_EXPLORE_COMPONENTS, latencyExplorePaths } from './openapi-latency-explore.ts';
import { latencyPaths } from './openapi-latency.ts';
import { alertsPaths } from './openapi-alerts.ts';
import { gpuPaths } from './openapi-gpu.ts';
import { kindOf, MAX_QUERY_STRING } from './query-string.ts';

/**
 * The OpenAPI 3.1 document of /api/v1, GENERATED from the zod schemas the handlers validate with
 * (z.toJSONSchema): a parameter, limit or enum changes in one place. Query parameters follow the
 * URL → object rules of query-string.ts: lists are form/explode=false (`a,b`), objects and records
 * deepObject (`filter[tenant]=acme`).
 */

/** An API key as listed (never its secret). */
const apiKeySchema = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  keyPrefix: z.string().describe('The first characters of the secret, to recognise it'),
  scopes: z.array(z.enum(['ingest', 'read', 'write'])),
  createdAt: z.string(),
  revoked: z.boolean(),
});

const COMPONENTS = {
  Error: errorSchema,
  ApiKey: apiKeySchema,
  ApiKeyList: z.object({ data: z.array(apiKeySchema) }),
  CreatedApiKey: z.object({ key: z.string().describe('The secret: shown once, store it now'), data: apiKeySchema }),
  TraceListItem: traceListItemSchema,
  TraceListPage: traceListPageSchema,
  Trace: traceResponseSchema,
  MetricsResult: metricsResultSchema,
  TraceSummary: traceSummarySchema,
  ...QUALITY_COMPONENTS,
  ...LATENCY_EXPLORE_COMPONENTS,
} as const;
type ComponentName = keyof typeof COMPONENTS | 'Span';

const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });

function strip(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

/** JSON Schema of one input field as the handler sees it after parsing (integers, enums, ranges). */
function fieldSchema(field: z.ZodType): Record<string, unknown> {
  return strip(z.toJSONSchema(field, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>);
}

function parameters(schema: z.ZodObject, where: 'query' | 'path') {
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const { description, ...json } = fieldSchema(field);
    const kind = kindOf(field);
    const style = kind === 'list' ? { style: 'form', explode: false } : typeof kind === 'object' ? { style: 'deepObject', explode: true } : {};
    return { name, in: where, required: where === 'path' || !(field instanceof z.ZodOptional), description, schema: json, ...style };
  });
}

const errors = (...statuses: string[]) => {
  const text: Record<string, string> = {
    '400': 'Invalid parameter; `field` names it',
    '401': 'Missing, invalid or revoked API key',
    '403': 'The key lacks the scope the operation needs (`read` for GET, `write` for changes)',
    '404': 'No such trace in this project',
    '414': `Query string longer than ${MAX_QUERY_STRING} characters`,
  };
  return Object.fromEntries(statuses.map((s) => [s, { description: text[s], content: { 'application/json': { schema: ref('Error') } } }]));
};
const ok = (description: string, name: ComponentName) => ({ '200': { description, content: { 'application/json': { schema: ref(name) } } } });

function build() {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io: 'output', unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Plumb API',
      version: '1',
      description:
        'Read API for traces and semantic-layer metrics. Authenticate with `Authorization: Bearer <key>` (a key with the `read` scope; its project is the project queried). Errors are `{ "error": { "code", "message", "field" } }`; every 4xx for bad input names the `field`. Unpriced model calls have no cost (`pricingStatus: unpriced`, measure `unpriced_spans`): their spend is unknown, not zero.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    paths: {
      '/traces': {
        get: {
          operationId: 'listTraces',
          summary: 'List traces whose root span starts in [from, to)',
          parameters: parameters(traceListQuery, 'query'),
          responses: { ...ok('A page of traces', 'TraceListPage'), ...errors('400', '401', '403', '414') },
        },
      },
      '/traces/summary': {
        get: {
          operationId: 'summarizeTraces',
          summary: 'Count, failures, p50/p95 duration, cost and tokens of every trace the list filter selects',
          parameters: parameters(traceSummaryQuery, 'query'),
          responses: { ...ok('The summary', 'TraceSummary'), ...errors('400', '401', '403', '414') },
        },
      },
      '/traces/{traceId}': {
        get: {
          operationId: 'getTrace',
          summary: 'All spans of one trace with its critical path and failure origin',
          parameters: parameters(traceQuery, 'path'),
          responses: { ...ok('The trace', 'Trace'), ...errors('400', '401', '403', '404') },
        },
      },
      '/metrics': {
        get: {
          operationId: 'queryMetrics',
          summary: 'Semantic-layer measures, optionally grouped and bucketed in time',
          parameters: parameters(metricsQuery, 'query'),
          responses: { ...ok('Rows', 'MetricsResult'), ...errors('400', '401', '403', '414') },
        },
      },
      '/keys': {
        get: {
          operationId: 'listKeys',
          summary: "The API keys of the calling key's project (revoked ones included; never a secret)",
          responses: { ...ok('Keys', 'ApiKeyList'), ...errors('401', '403') },
        },
        post: {
          operationId: 'createKey',
          summary: 'Create a key (write scope); the secret is in the response only',
          requestBody: { required: true, content: { 'application/json': { schema: fieldSchema(createKeyInput) } } },
          responses: {
            '201': { description: 'The new key and its secret', content: { 'application/json': { schema: ref('CreatedApiKey') } } },
            ...errors('400', '401', '403'),
          },
        },
      },
      '/keys/{id}': {
        delete: {
          operationId: 'revokeKey',
          summary: "Revoke a key of the calling key's project (write scope)",
          parameters: parameters(revokeKeyInput, 'path'),
          responses: { '200': { description: 'Revoked' }, ...errors('400', '401', '403', '404') },
        },
      },
      '/bundles': {
        post: {
          operationId: 'exportTraceBundle',
          summary: 'Signed, hash-chained bundle of chosen traces (spans, prices used, trace context); check with `plumb verify`',
          requestBody: { required: true, content: { 'application/json': { schema: fieldSchema(bundleInput) } } },
          responses: { '200': { description: 'The bundle (JSON)' }, ...errors('400', '401', '403') },
        },
      },
      '/signing-keys': {
        get: {
          operationId: 'listSigningKeys',
          summary: "The project's bundle signing keys: public halves (PEM) and fingerprints, live key first",
          responses: { '200': { description: 'Keys' }, ...errors('401', '403') },
        },
        post: {
          operationId: 'rotateSigningKey',
          summary: 'Retire the live signing key and make a new one (write scope)',
          responses: { '201': { description: 'The new key' }, ...errors('401', '403') },
        },
      },
      ...qualityPaths({ ref: (name) => ref(name as ComponentName), errors, fieldSchema, parameters }),
      ...latencyExplorePaths({ ref: (name) => ref(name as ComponentName), errors, fieldSchema, parameters }),
      ...alertsPaths({ ref: (name) => ref(name as ComponentName), errors, fieldSchema, parameters }),
      ...gpuPaths({ ref: (name) => ref(name as ComponentName), errors, fieldSchema, parameters }),
      '/cost/export': {
        get: {
          operationId: 'exportCost',
          summary: 'Cost as FOCUS-style rows (CSV or JSON), exact decimals, streamed one time page at a time',
          description:
            'Days inside a closed month are served from the figures frozen at close (per hour, by tenant, request_type, provider, model, agent, service, environment): '
            + 'grouping or filtering by another dimension, or a range edge inside an hour of a closed month, is a 400 naming the parameter.',
          parameters: parameters(costExportQuery, 'query'),
          responses: {
            '200': { description: 'CSV (header + rows) or a JSON array of rows', content: { 'text/csv': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'array', items: { type: 'object', additionalProperties: { type: 'string' } } } } } },
            ...errors('400', '401', '403', '414'),
          },
        },
      },
      '/cost/month-export': {
        get: {
          operationId: 'exportMonth',
          summary: "A month's cost export: the frozen bytes of a closed month (byte-identical on every request), else the live export",
          parameters: parameters(monthInput, 'query'),
          responses: { '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, ...errors('400', '401', '403') },
        },
      },
      '/prices': {
        get: {
          operationId: 'listPrices',
          summary: 'The price catalog (bundled with source and version, and overrides), per token or per GPU-hour',
          parameters: parameters(priceListQuery, 'query'),
          responses: { '200': { description: 'Prices', content: { 'application/json': { schema: { type: 'object' } } } }, ...errors('400', '401', '403') },
        },
        post: {
          operationId: 'saveOverride',
          summary: 'Add or edit (same id) a price override (write scope); stored spans change only through a reprice',
          requestBody: { required: true, content: { 'application/json': { schema: fieldSchema(priceOverrideInput) } } },
          responses: { '201': { description: 'The override as stored' }, ...errors('400', '401', '403') },
        },
      },
      '/reprice': {
        get: {
          operationId: 'listRepriceRuns',
          summary: 'The reprice log: who, when, range, progress, old and new totals',
          responses: { '200': { description: 'Runs, newest first' }, ...errors('401', '403') },
        },
        post: {
          operationId: 'reprice',
          summary: 'Queue a reprice of [from, to) (write scope); the worker runs it under its lease',
          requestBody: { required: true, content: { 'application/json': { schema: fieldSchema(repriceInput) } } },
          responses: { '202': { description: 'The queued run' }, ...errors('400', '401', '403') },
        },
      },
      ...latencyPaths({ ref: (name) => ref(name as ComponentName), errors, fieldSchema, parameters }),
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A Plumb API key with the read scope' } },
      // Span is already JSON Schema (schemas/span.ts, the one declaration of the public span).
      schemas: { ...Object.fromEntries(Object.entries(schemas).map(([k, v]) => [k, strip(v)])), Span: spanJsonSchema },
    },
  };
}

let doc: ReturnType<typeof build> | undefined;
/** The document (built once, on first use). */
export function openApiDocument(): ReturnType<typeof build> {
  doc ??= build();
  return doc;
}

/** GET /api/v1/openapi.json (public: it documents, it does not read data). */
export const openApiHandler: Handler = async () => json(200, openApiDocument(), { 'cache-control': 'public, max-age=300' });
