import { newAttributes } from '../attributes.ts';
import type {
  OtlpEvent,
  OtlpLink,
  OtlpResourceSpans,
  OtlpScopeSpans,
  OtlpSpan,
  TraceRequest,
} from '../types.ts';
import {
  asArray,
  asEnum,
  asId,
  asNanos,
  asObject,
  asString,
  each,
  enter,
  fail,
  field,
  leave,
  parseRoot,
  readAttributes,
  readResource,
  readScope,
  type JsonObject,
} from './values.ts';

const SPAN_KIND_NAMES: Record<string, number> = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
};
const STATUS_CODE_NAMES: Record<string, number> = { UNSET: 0, OK: 1, ERROR: 2 };


/**
 * Decodes an OTLP/HTTP JSON trace export body (lowerCamelCase names; snake_case accepted).
 * Unknown fields are ignored, as the spec requires.
 * @throws OtlpDecodeError when the body is not JSON or a field has the wrong shape; the
 *   message starts with the field's path, e.g. `resourceSpans[0].scopeSpans[1].spans[3].name`.
 */
export function decodeTraceRequestJson(body: string | Uint8Array): TraceRequest {
  const resourceSpans = each(field(parseRoot(body), 'resourceSpans', 'resource_spans'), 'resourceSpans', readResourceSpans);
  return { resourceSpans };
}

function readResourceSpans(o: JsonObject): OtlpResourceSpans {
  const out: OtlpResourceSpans = {
    resource: newAttributes(),
    schemaUrl: asString(field(o, 'schemaUrl', 'schema_url'), 'schemaUrl'),
    scopeSpans: [],
  };
  readResource(o, out.resource);
  out.scopeSpans = each(field(o, 'scopeSpans', 'scope_spans'), 'scopeSpans', readScopeSpans);
  return out;
}

function readScopeSpans(o: JsonObject): OtlpScopeSpans {
  const out: OtlpScopeSpans = {
    scope: readScope(o),
    schemaUrl: asString(field(o, 'schemaUrl', 'schema_url'), 'schemaUrl'),
    spans: [],
  };
  out.spans = each(o.spans, 'spans', readSpan);
  return out;
}

function readSpan(o: JsonObject): OtlpSpan {
  const span: OtlpSpan = {
    traceId: asId(field(o, 'traceId', 'trace_id'), 'traceId', 16),
    spanId: asId(field(o, 'spanId', 'span_id'), 'spanId', 8),
    parentSpanId: asId(field(o, 'parentSpanId', 'parent_span_id'), 'parentSpanId', 8),
    traceState: asString(field(o, 'traceState', 'trace_state'), 'traceState'),
    name: asString(o.name, 'name'),
    kind: asEnum(o.kind, 'kind', 'SPAN_KIND_', SPAN_KIND_NAMES),
    startTimeUnixNano: asNanos(field(o, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano'),
    endTimeUnixNano: asNanos(field(o, 'endTimeUnixNano', 'end_time_unix_nano'), 'endTimeUnixNano'),
    attributes: newAttributes(),
    events: [],
    links: [],
    status: { code: 0, message: '' },
  };
  readAttributes(o.attributes, 'attributes', span.attributes);

  // Events and links stay inline loops (not `each`): this runs once per span on the hot path.
  const events = asArray(o.events, 'events');
  enter('events');
  for (let i = 0; i < events.length; i++) {
    const e = asObject(events[i], i) ?? {};
    enter(i);
    span.events.push(readEvent(e));
    leave();
  }
  leave();

  const links = asArray(o.links, 'links');
  enter('links');
  for (let i = 0; i < links.length; i++) {
    const l = asObject(links[i], i) ?? {};
    enter(i);
    span.links.push(readLink(l));
    leave();
  }
  leave();

  const status = asObject(o.status, 'status');
  if (status !== undefined) {
    enter('status');
    span.status.code = asEnum(status.code, 'code', 'STATUS_CODE_', STATUS_CODE_NAMES);
    span.status.message = asString(status.message, 'message');
    leave();
  }
  const flags = readFlags(o.flags);
  if (flags !== undefined) span.flags = flags;
  return span;
}

/** `flags` (fixed32): a JSON number, or a decimal string as the proto3 JSON mapping allows. */
function readFlags(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) fail('flags', 'expected uint32');
  return n;
}

function readEvent(o: JsonObject): OtlpEvent {
  const ev: OtlpEvent = {
    timeUnixNano: asNanos(field(o, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
    name: asString(o.name, 'name'),
    attributes: newAttributes(),
  };
  readAttributes(o.attributes, 'attributes', ev.attributes);
  return ev;
}

function readLink(o: JsonObject): OtlpLink {
  const link: OtlpLink = {
    traceId: asId(field(o, 'traceId', 'trace_id'), 'traceId', 16),
    spanId: asId(field(o, 'spanId', 'span_id'), 'spanId', 8),
    traceState: asString(field(o, 'traceState', 'trace_state'), 'traceState'),
    attributes: newAttributes(),
  };
  readAttributes(o.attributes, 'attributes', link.attributes);
  return link;
}
