import { MAX_VALUE_DEPTH, newAttributes, setAttr } from '../attributes.ts';
import type {
  AttrValue,
  Attributes,
  OtlpEvent,
  OtlpLink,
  OtlpResourceSpans,
  OtlpScope,
  OtlpScopeSpans,
  OtlpSpan,
  TraceRequest,
} from '../types.ts';
import { ProtoReader } from './reader.ts';

/*
 * Direct decoder of opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.
 * Each message decoder switches on the full tag (field << 3 | wire type); a known field number
 * with an unexpected wire type falls to `default` and is skipped like an unknown field.
 * Unread fields: dropped_*_count, link flags, deprecated Status.code (1).
 */

/**
 * Decodes an OTLP/HTTP protobuf trace export body.
 * @throws OtlpDecodeError on truncated or malformed input.
 */
export function decodeTraceRequestProtobuf(buf: Uint8Array): TraceRequest {
  const r = new ProtoReader(buf);
  const end = buf.length;
  const resourceSpans: OtlpResourceSpans[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) resourceSpans.push(readResourceSpans(r, r.lenEnd(end)));
    else r.skip(tag, end);
  }
  r.expectEnd(end);
  return { resourceSpans };
}

function readResourceSpans(r: ProtoReader, end: number): OtlpResourceSpans {
  const out: OtlpResourceSpans = { resource: newAttributes(), schemaUrl: '', scopeSpans: [] };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 10:
        readResource(r, r.lenEnd(end), out.resource);
        break;
      case 18:
        out.scopeSpans.push(readScopeSpans(r, r.lenEnd(end)));
        break;
      case 26:
        out.schemaUrl = r.string(end);
        break;
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end);
  return out;
}

export function readResource(r: ProtoReader, end: number, attrs: Attributes): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) readKeyValue(r, r.lenEnd(end), attrs, 0);
    else r.skip(tag, end);
  }
  r.expectEnd(end);
}

function readScopeSpans(r: ProtoReader, end: number): OtlpScopeSpans {
  const out: OtlpScopeSpans = {
    scope: { name: '', version: '', attributes: newAttributes() },
    schemaUrl: '',
    spans: [],
  };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 10:
        readScope(r, r.lenEnd(end), out.scope);
        break;
      case 18:
        out.spans.push(readSpan(r, r.lenEnd(end)));
        break;
      case 26:
        out.schemaUrl = r.string(end);
        break;
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end);
  return out;
}

export function readScope(r: ProtoReader, end: number, scope: OtlpScope): void {
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 10:
        scope.name = r.string(end);
        break;
      case 18:
        scope.version = r.string(end);
        break;
      case 26:
        readKeyValue(r, r.lenEnd(end), scope.attributes, 0);
        break;
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end);
}

function readSpan(r: ProtoReader, end: number): OtlpSpan {
  const span: OtlpSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceState: '',
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: newAttributes(),
    events: [],
    links: [],
    status: { code: 0, message: '' },
  };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 10:
        span.traceId = r.traceId(end);
        break;
      case 18:
        span.spanId = r.hex(end);
        break;
      case 26:
        span.traceState = r.string(end);
        break;
      case 34:
        span.parentSpanId = r.hex(end);
        break;
      case 42:
        span.name = r.string(end);
        break;
      case 48:
        span.kind = r.uint32() | 0;
        break;
      case 57:
        span.startTimeUnixNano = r.fixed64();
        break;
      case 65:
        span.endTimeUnixNano = r.fixed64();
        break;
      case 74:
        readKeyValue(r, r.lenEnd(end), span.attributes, 0);
        break;
      case 90:
        span.events.push(readEvent(r, r.lenEnd(end)));
        break;
      case 106:
        span.links.push(readLink(r, r.lenEnd(end)));
        break;
      case 122:
        readStatus(r, r.lenEnd(end), span.status);
        break;
      case 133: // flags (16, fixed32): remote-parent bits, see SpanFlags
        span.flags = r.fixed32();
        break;
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end);
  return span;
}

function readStatus(r: ProtoReader, end: number, status: OtlpSpan['status']): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 18) status.message = r.string(end);
    else if (tag === 24) status.code = r.uint32() | 0;
    else r.skip(tag, end);
  }
  r.expectEnd(end);
}

function readEvent(r: ProtoReader, end: number): OtlpEvent {
  const ev: OtlpEvent = { timeUnixNano: 0n, name: '', attributes: newAttributes() };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 9:
        ev.timeUnixNano = r.fixed64();
        break;
      case 18:
        ev.name = r.string(end);
        break;
      case 26:
        readKeyValue(r, r.lenEnd(end), ev.attributes, 0);
        break;
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end);
  return ev;
}

function readLink(r: ProtoReader, end: number): OtlpLink {
  const link: OtlpLink = { traceId: '', spanId: '', traceState: '', attributes: newAttributes() };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 10:
        link.traceId = r.traceId(end);
        break;
      case 18:
        link.spanId = r.hex(end);
        break;
      case 26:
        link.traceState = r.string(end);
        break;
      case 34:
        readKeyValue(r, r.lenEnd(end), link.attributes, 0);
        break;
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end);
  return link;
}

/** KeyValue into `target`; a missing value is stored as null (empty AnyValue). */
export function readKeyValue(r: ProtoReader, end: number, target: Attributes, depth: number): void {
  let key = '';
  let value: AttrValue = null;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) key = r.key(end);
    else if (tag === 18) value = readAnyValue(r, r.lenEnd(end), depth);
    else r.skip(tag, end);
  }
  r.expectEnd(end);
  setAttr(target, key, value);
}

function readAnyValue(r: ProtoReader, end: number, depth: number): AttrValue {
  let value: AttrValue = null;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 10:
        value = r.string(end);
        break;
      case 16:
        value = r.uint32() !== 0;
        break;
      case 24:
        value = r.int64();
        break;
      case 33:
        value = r.double();
        break;
      case 42:
        value = readArray(r, r.lenEnd(end), depth + 1);
        break;
      case 50:
        value = readKvList(r, r.lenEnd(end), depth + 1);
        break;
      case 58:
        value = r.bytes(end);
        break;
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end);
  return value;
}

function readArray(r: ProtoReader, end: number, depth: number): AttrValue[] {
  if (depth > MAX_VALUE_DEPTH) r.fail(`values nested deeper than ${MAX_VALUE_DEPTH}`);
  const out: AttrValue[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) out.push(readAnyValue(r, r.lenEnd(end), depth));
    else r.skip(tag, end);
  }
  r.expectEnd(end);
  return out;
}

function readKvList(r: ProtoReader, end: number, depth: number): Attributes {
  if (depth > MAX_VALUE_DEPTH) r.fail(`values nested deeper than ${MAX_VALUE_DEPTH}`);
  const out: Attributes = newAttributes();
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) readKeyValue(r, r.lenEnd(end), out, depth);
    else r.skip(tag, end);
  }
  r.expectEnd(end);
  return out;
}
