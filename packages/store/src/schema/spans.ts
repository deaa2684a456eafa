/**
 * The span schema, declared once. Every stored span column is one entry of SPAN_FIELDS: its
 * column name and ClickHouse type (checked against `system.columns` after migrating, see
 * schema.test.ts), the SpanRow property, how it is written, and its public (camelCase) views
 * with their JSON Schema. Derived from it: `SpanRow`, the insert column list, the serializer,
 * the select lists and row mapping of the trace and span-detail reads, and the public JSON
 * Schemas the OpenAPI document uses.
 *
 * Adding a span column = one entry here + a migration under clickhouse/migrations.
 */
import { isoFromMicros } from '../semantic/errors.ts';
import {
  asIs, compileSerializer, ISO_TIME, NUM, S, STR_MAP, boolField, countField, derivedField, field, mapRow, objectSchema, publicViews,
  selectList, strField, view, type Field, type PublicLevel, type PublicOf, type RowOf,
} from './field.ts';
import { PROMOTED_ATTRIBUTES, restoreAttributes } from './promoted.ts';
import { RESOURCE_FIELDS } from './resources.ts';

export interface SpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: Record<string, string>;
}
export interface SpanLink {
  traceId: string;
  spanId: string;
  attributes: Record<string, string>;
}

export type StatusCode = 'unset' | 'ok' | 'error';
/** 'gpu_hour': a model call of a self-hosted model priced per GPU-hour (cost 0 per token). */
export type PricingStatus = 'none' | 'priced' | 'unpriced' | 'gpu_hour';
export type SpanKindName = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
const KINDS: readonly SpanKindName[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

const NS_PER_S = 1_000_000_000n;

/** Unix nanoseconds → "seconds.nanoseconds", which DateTime64(9) parses exactly. */
export function nanosToDateTime64(ns: bigint): string {
  // Digit slicing: BigInt division allocates and was a visible share of serialization.
  if (ns >= 1_000_000_000n * NS_PER_S) {
    const d = ns.toString();
    return `${d.slice(0, -9)}.${d.slice(-9)}`;
  }
  // Seconds zero-padded to 10 digits: the engine reads a shorter number as a broken-down date
  // ("9.5" as day 9 of the current month) or refuses it, so an early time would be misstored or
  // fail its whole insert.
  const s = (ns / NS_PER_S).toString().padStart(10, '0');
  const frac = (ns % NS_PER_S).toString().padStart(9, '0');
  return `${s}.${frac}`;
}

/** Version that orders rows of one span: context-resolved rows first, then newest ingest. */
export function rowVersion(contextResolved: boolean, ingestMs: number): number {
  return (contextResolved ? 2 ** 42 : 0) + ingestMs;
}

const LC = 'LowCardinality(String)';
const STATUS_TYPE = "Enum8('unset' = 0, 'ok' = 1, 'error' = 2)";
const PRICING_TYPE = "Enum8('none' = 0, 'priced' = 1, 'unpriced' = 2, 'gpu_hour' = 3)";
const span = 'span' as const;
const detail = 'detail' as const;
const time = (column: string, key: 'startTimeUnixNano' | 'endTimeUnixNano', name: 'startTime' | 'endTime') =>
  field(column, 'DateTime64(9)', key, {
    write: (ns: bigint) => nanosToDateTime64(ns),
    views: [view(name, span, `toUnixTimestamp64Micro(${column})`, ISO_TIME, (us: number) => isoFromMicros(us))] as const,
  });

export const SPAN_FIELDS = [
  strField('project_id', LC, 'projectId'),
  strField('trace_id', 'String', 'traceId', { name: 'traceId', level: span }),
  strField('span_id', 'String', 'spanId', { name: 'spanId', level: span }),
  strField('parent_span_id', 'String', 'parentSpanId', { name: 'parentSpanId', level: span, description: "'' for a root span" }),
  boolField('is_root', 'isRoot', { name: 'isRoot', level: span, description: 'No parent, or a parent flagged remote: the local root of the trace' }),
  strField('trace_state', 'String', 'traceState', { name: 'traceState', level: detail }),
  strField('name', LC, 'name', { name: 'name', level: span }),
  field('kind', 'UInt8', 'kind', {
    write: asIs<number>,
    views: [view('kind', span, 'kind', { enum: KINDS }, (k: number): SpanKindName => KINDS[k] ?? 'unspecified')] as const,
  }),
  strField('service', LC, 'service', { name: 'service', level: span }),
  strField('service_version', LC, 'serviceVersion', { name: 'serviceVersion', level: detail }),
  strField('environment', LC, 'environment', { name: 'environment', level: detail }),
  strField('host', LC, 'host', { name: 'host', level: span, description: '`host.name` of the resource' }),
  // The rest of the resource lives once per resource in span_resources (resources.ts).
  field('resource_hash', 'UInt64', 'resourceHash', { write: asIs<string> }),
  strField('service_instance', LC, 'serviceInstance', { name: 'serviceInstance', level: detail, description: '`service.instance.id` of the resource' }),
  strField('k8s_namespace', LC, 'k8sNamespace', { name: 'k8sNamespace', level: detail, description: '`k8s.namespace.name` of the resource' }),
  strField('k8s_pod', LC, 'k8sPod', { name: 'k8sPod', level: detail, description: '`k8s.pod.name` of the resource' }),
  strField('scope_name', LC, 'scopeName', { name: 'scopeName', level: detail }),
  time('start_time', 'startTimeUnixNano', 'startTime'),
  time('end_time', 'endTimeUnixNano', 'endTime'),
  derivedField(
    'duration_ns',
    'UInt64',
    (r: { startTimeUnixNano: bigint; endTimeUnixNano: bigint }) =>
      (r.endTimeUnixNano > r.startTimeUnixNano ? r.endTimeUnixNano - r.startTimeUnixNano : 0n).toString(),
    [view('durationMs', span, 'duration_ns', NUM, (ns: number) => ns / 1e6)] as const,
  ),
  field('status_code', STATUS_TYPE, 'statusCode', {
    write: asIs<StatusCode>,
    views: [view('status', span, 'toString(status_code)', { enum: ['ok', 'error', 'unset'] }, (s: StatusCode) => s)] as const,
  }),
  strField('status_message', 'String', 'statusMessage', { name: 'statusMessage', level: span }),
  strField('error_type', LC, 'errorType', { name: 'errorType', level: span }),
  strField('operation', LC, 'operation', { name: 'operation', level: span }),
  strField('category', LC, 'category', { name: 'category', level: span }),
  strField('provider', LC, 'provider', { name: 'provider', level: span }),
  strField('request_model', LC, 'requestModel', { name: 'model', level: span, description: 'Requested model' }),
  strField('response_model', LC, 'responseModel', { name: 'responseModel', level: span, description: 'Served model version' }),
  strField('finish_reason', LC, 'finishReason', {
    name: 'finishReason', level: span,
    description: "Why the model stopped, normalized: stop | length | tool_calls | content_filter | error | other ('' when not reported)",
  }),
  strField('agent_name', LC, 'agentName', { name: 'agent', level: span }),
  strField('agent_id', 'String', 'agentId', { name: 'agentId', level: detail }),
  strField('tool_name', LC, 'toolName', { name: 'tool', level: span }),
  strField('session_id', 'String', 'sessionId', { name: 'sessionId', level: span }),
  strField('user_id', 'String', 'userId', { name: 'userId', level: span }),
  strField('tenant', LC, 'tenant', { name: 'tenant', level: span }),
  strField('request_type', LC, 'requestType', { name: 'requestType', level: span }),
  strField('route', LC, 'route', { name: 'route', level: span, description: '`http.route` of the request, else its root span name' }),
  countField('input_tokens', 'inputTokens', 'inputTokens'),
  countField('output_tokens', 'outputTokens', 'outputTokens'),
  countField('cache_read_tokens', 'cacheReadTokens', 'cacheReadTokens'),
  countField('cache_write_tokens', 'cacheWriteTokens', 'cacheWriteTokens'),
  countField('reasoning_tokens', 'reasoningTokens', 'reasoningTokens'),
  boolField('usage_counted', 'usageCounted', { name: 'usageCounted', level: span, description: "False for wrappers that repeat their children's usage" }),
  field('ttft_ms', 'Nullable(Float64)', 'ttftMs', {
    write: asIs<number | null>,
    views: [view('ttftMs', span, 'ttft_ms', { type: ['number', 'null'] }, (v: number | null) => v)] as const,
  }),
  field('cost_usd', 'Decimal(18, 12)', 'costUsd', {
    // Decimal string with up to 12 fractional digits (exact).
    write: asIs<string>,
    views: [
      view('costUsd', span, 'toString(cost_usd)', { ...NUM, description: 'USD; exact in storage, a JSON number here' }, (v: string) => Number(v)),
      view('costUsdExact', detail, 'toString(cost_usd)', { ...S, description: 'The exact cost as decimal text' }, (v: string) => v),
    ] as const,
  }),
  field('pricing_status', PRICING_TYPE, 'pricingStatus', {
    write: asIs<PricingStatus>,
    views: [view('pricingStatus', span, 'toString(pricing_status)', { enum: ['none', 'priced', 'unpriced', 'gpu_hour'] }, (v: PricingStatus) => v)] as const,
  }),
  strField('price_id', LC, 'priceId', { name: 'priceId', level: span }),
  strField('input_text', 'String', 'inputText', { name: 'inputText', level: detail }),
  strField('output_text', 'String', 'outputText', { name: 'outputText', level: detail }),
  field('attributes', 'Map(LowCardinality(String), String)', 'attributes', {
    write: asIs<Record<string, string>>,
    views: [view('attributes', detail, 'attributes', STR_MAP, (v: Record<string, string>) => v)] as const,
  }),
  // Bit i: PROMOTED_ATTRIBUTES[i] left out of `attributes` (its column holds it; promoted.ts).
  field('attributes_promoted', 'UInt32', 'attributesPromoted', { write: asIs<number> }),
  field('events', 'Array(Tuple(time DateTime64(9), name String, attributes Map(String, String)))', 'events', {
    // Named tuples as objects: the default input_format_json_named_tuples_as_objects=1.
    write: (v: SpanEvent[]) => v.map((e) => ({ time: nanosToDateTime64(e.timeUnixNano), name: e.name, attributes: e.attributes })),
    views: [
      view(
        'events',
        detail,
        'arrayMap(e -> (toUnixTimestamp64Micro(e.time), e.name, e.attributes), events)',
        { type: 'array', items: { type: 'object', properties: { time: ISO_TIME, name: S, attributes: STR_MAP }, required: ['time', 'name', 'attributes'] } },
        (v: [number, string, Record<string, string>][]) => v.map(([us, name, attributes]) => ({ time: isoFromMicros(us), name, attributes })),
      ),
    ] as const,
  }),
  field('links', 'Array(Tuple(trace_id String, span_id String, attributes Map(String, String)))', 'links', {
    write: (v: SpanLink[]) => v.map((l) => ({ trace_id: l.traceId, span_id: l.spanId, attributes: l.attributes })),
    views: [
      view(
        'links',
        span,
        'links',
        { type: 'array', items: { type: 'object', properties: { traceId: S, spanId: S }, required: ['traceId', 'spanId'] } },
        (v: { trace_id: string; span_id: string }[]) => v.map((l) => ({ traceId: l.trace_id, spanId: l.span_id })),
      ),
    ] as const,
  }),
  boolField('context_resolved', 'contextResolved', {
    name: 'contextResolved', level: detail, description: "False while the span's trace context (tenant, request type) was not yet known at ingest",
  }),
  field('_version', 'UInt64', 'version', { write: asIs<number> }),
  { column: '_ingested_at', type: 'DateTime64(3)', key: null, insert: false, views: [] } satisfies Field<null, never, readonly []>,
] as const;

/**
 * The span row as the collector builds it and the store writes it: the spans columns plus the
 * resource (written to span_resources once per resource hash, resources.ts).
 */
export type SpanRow = RowOf<(typeof SPAN_FIELDS)[number] | (typeof RESOURCE_FIELDS)[number]>;
/** One span of a trace in the public (camelCase) shape; attributes, events and texts excluded. */
export type TraceSpanRecord = PublicOf<(typeof SPAN_FIELDS)[number], 'span'>;
/** One span with everything stored about it (the span-detail read). */
export type SpanDetailRecord = PublicOf<(typeof SPAN_FIELDS)[number], 'detail'> & { resourceAttributes: Record<string, string> };

const ALL: readonly Field[] = SPAN_FIELDS as unknown as readonly Field[];
const INSERT_FIELDS = ALL.filter((f) => f.insert);

/** The insert column list (order of serializeSpanRow's values). */
export const SPAN_COLUMNS: readonly string[] = INSERT_FIELDS.map((f) => f.column);

/** One JSONCompactEachRow line of `spans` (with trailing newline), values in SPAN_COLUMNS order. */
export const serializeSpanRow: (r: SpanRow) => string = compileSerializer<SpanRow>(INSERT_FIELDS);

/** Public views of the span at a level, in table order. */
export const SPAN_VIEWS: Readonly<Record<PublicLevel, ReturnType<typeof publicViews>>> = {
  span: publicViews(ALL, 'span'),
  detail: publicViews(ALL, 'detail'),
};

/** SELECT list (trusted text) whose rows `toSpanRecord` maps; read from `spans FINAL`. */
export const SPAN_SELECT_TEXT = selectList(SPAN_VIEWS.span);
/** SELECT list for `toSpanDetail`: the detail views plus what rebuilding attributes and the resource needs. */
export const SPAN_DETAIL_SELECT_TEXT = `${selectList(SPAN_VIEWS.detail)}, toString(resource_hash) AS _resourceHash, attributes_promoted AS _attributesPromoted`;

export function toSpanRecord(raw: Record<string, unknown>): TraceSpanRecord {
  return mapRow(SPAN_VIEWS.span, raw) as TraceSpanRecord;
}

/** Public name of the view of each row property (for rebuilding promoted attributes). */
const PUBLIC_NAME = new Map(ALL.flatMap((f) => (f.key !== null && f.views[0] ? [[f.key, f.views[0].name] as const] : [])));
const PROMOTED_SOURCES = PROMOTED_ATTRIBUTES.map((pa) => pa.row);

/** A selected detail row (+ its resource map) → the public detail, promoted attributes put back. */
export function toSpanDetail(raw: Record<string, unknown>, resourceAttributes: Record<string, string>): SpanDetailRecord {
  const d = mapRow(SPAN_VIEWS.detail, raw) as Omit<SpanDetailRecord, 'resourceAttributes'>;
  const values: Record<string, string | number> = {};
  for (const k of PROMOTED_SOURCES) values[k] = (d as unknown as Record<string, string | number>)[PUBLIC_NAME.get(k)!]!;
  const attributes = restoreAttributes(d.attributes, Number(raw._attributesPromoted ?? 0), values as Parameters<typeof restoreAttributes>[2]);
  return { ...d, attributes, resourceAttributes };
}

/** The resource hash selected with SPAN_DETAIL_SELECT_TEXT. */
export const resourceHashOf = (raw: Record<string, unknown>): string => String(raw._resourceHash);

/**
 * JSON Schemas of the public span (REST / OpenAPI components): `Span` as listed in a trace,
 * `SpanDetail` with attributes, events and texts. Generated from SPAN_FIELDS.
 */
export const SPAN_JSON_SCHEMA = objectSchema(SPAN_VIEWS.span, 'One span. Times are ISO 8601 with microseconds; money is USD.');
export const SPAN_DETAIL_JSON_SCHEMA = objectSchema(
  [...SPAN_VIEWS.detail, view('resourceAttributes', 'detail', '', STR_MAP)],
  'One span with everything stored about it.',
);
