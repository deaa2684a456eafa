/**
 * The span row as stored (one wide row per span) and its serializer for JSONCompactEachRow.
 * Column order here is the insert column list; keep it in step with clickhouse/migrations.
 */
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
export type PricingStatus = 'none' | 'priced' | 'unpriced';

export interface SpanRow {
  projectId: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  /** No parent, or a parent flagged remote (OTLP span flags): the local root of the trace. */
  isRoot: boolean;
  traceState: string;
  name: string;
  kind: number;
  service: string;
  serviceVersion: string;
  environment: string;
  /** `host.name` of the resource. */
  host: string;
  scopeName: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  statusCode: StatusCode;
  statusMessage: string;
  errorType: string;
  operation: string;
  category: string;
  provider: string;
  requestModel: string;
  responseModel: string;
  /** Normalized finish reason of a model call ('' when none). */
  finishReason: string;
  agentName: string;
  agentId: string;
  toolName: string;
  sessionId: string;
  userId: string;
  tenant: string;
  requestType: string;
  /** `http.route` of the request, else its root span name (trace-level context). */
  route: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  usageCounted: boolean;
  ttftMs: number | null;
  /** Decimal string with up to 12 fractional digits (exact). */
  costUsd: string;
  pricingStatus: PricingStatus;
  priceId: string;
  inputText: string;
  outputText: string;
  attributes: Record<string, string>;
  resourceAttributes: Record<string, string>;
  events: SpanEvent[];
  links: SpanLink[];
  contextResolved: boolean;
  version: number;
}

export const SPAN_COLUMNS = [
  'project_id', 'trace_id', 'span_id', 'parent_span_id', 'is_root', 'trace_state', 'name', 'kind', 'service',
  'service_version', 'environment', 'host', 'scope_name', 'start_time', 'end_time', 'duration_ns', 'status_code',
  'status_message', 'error_type', 'operation', 'category', 'provider', 'request_model', 'response_model',
  'finish_reason', 'agent_name', 'agent_id', 'tool_name', 'session_id', 'user_id', 'tenant', 'request_type', 'route', 'input_tokens',
  'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'usage_counted', 'ttft_ms',
  'cost_usd', 'pricing_status', 'price_id', 'input_text', 'output_text', 'attributes', 'resource_attributes',
  'events', 'links', 'context_resolved', '_version',
] as const;

const NS_PER_S = 1_000_000_000n;

/**
 * Unix nanoseconds → "seconds.nanoseconds", which DateTime64(9) parses exactly. The seconds are
 * zero-padded to 10 digits: the engine reads a shorter number as a broken-down date ("9.5" as
 * day 9 of the current month) or refuses it, so a time before 1973 would be misstored or fail
 * its whole insert.
 */
export function nanosToDateTime64(ns: bigint): string {
  const s = (ns / NS_PER_S).toString().padStart(10, '0');
  const frac = (ns % NS_PER_S).toString().padStart(9, '0');
  return `${s}.${frac}`;
}

/** Version that orders rows of one span: context-resolved rows first, then newest ingest. */
export function rowVersion(contextResolved: boolean, ingestMs: number): number {
  return (contextResolved ? 2 ** 42 : 0) + ingestMs;
}

/** One JSONCompactEachRow line (with trailing newline). */
export function serializeSpanRow(r: SpanRow): string {
  const duration = r.endTimeUnixNano > r.startTimeUnixNano ? r.endTimeUnixNano - r.startTimeUnixNano : 0n;
  return (
    JSON.stringify([
      r.projectId, r.traceId, r.spanId, r.parentSpanId, r.isRoot, r.traceState, r.name, r.kind, r.service,
      r.serviceVersion, r.environment, r.host, r.scopeName, nanosToDateTime64(r.startTimeUnixNano),
      nanosToDateTime64(r.endTimeUnixNano), duration.toString(), r.statusCode, r.statusMessage, r.errorType,
      r.operation, r.category, r.provider, r.requestModel, r.responseModel, r.finishReason, r.agentName, r.agentId, r.toolName,
      r.sessionId, r.userId, r.tenant, r.requestType, r.route, r.inputTokens, r.outputTokens, r.cacheReadTokens,
      r.cacheWriteTokens, r.reasoningTokens, r.usageCounted, r.ttftMs, r.costUsd, r.pricingStatus, r.priceId,
      r.inputText, r.outputText, r.attributes, r.resourceAttributes,
      // Named tuples as objects: the default input_format_json_named_tuples_as_objects=1.
      r.events.map((e) => ({ time: nanosToDateTime64(e.timeUnixNano), name: e.name, attributes: e.attributes })),
      r.links.map((l) => ({ trace_id: l.traceId, span_id: l.spanId, attributes: l.attributes })),
      r.contextResolved, r.version,
    ]) + '\n'
  );
}
