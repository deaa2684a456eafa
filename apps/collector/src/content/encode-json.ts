import type { AttrValue, Attributes, TraceRequest } from '@plumb/otlp';

/**
 * A decoded TraceRequest back to OTLP/JSON, for the WAL record of a request whose content was
 * changed by the project's content controls (redacted, truncated, dropped): the WAL must never
 * hold what the project asked not to keep, so it gets this re-encoding instead of the body as
 * received. `decodeTraceRequestJson` reads it back to the same request (int-valued doubles come
 * back as ints, which store the same text; see attrToString).
 */
export function encodeTraceRequestJson(req: TraceRequest): Buffer {
  return Buffer.from(
    JSON.stringify({
      resourceSpans: req.resourceSpans.map((rs) => ({
        resource: { attributes: kvs(rs.resource) },
        schemaUrl: rs.schemaUrl,
        scopeSpans: rs.scopeSpans.map((ss) => ({
          scope: { name: ss.scope.name, version: ss.scope.version, attributes: kvs(ss.scope.attributes) },
          schemaUrl: ss.schemaUrl,
          spans: ss.spans.map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId,
            traceState: s.traceState,
            name: s.name,
            kind: s.kind,
            startTimeUnixNano: String(s.startTimeUnixNano),
            endTimeUnixNano: String(s.endTimeUnixNano),
            attributes: kvs(s.attributes),
            events: s.events.map((e) => ({ timeUnixNano: String(e.timeUnixNano), name: e.name, attributes: kvs(e.attributes) })),
            links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, traceState: l.traceState, attributes: kvs(l.attributes) })),
            status: { code: s.status.code, message: s.status.message },
            ...(s.flags === undefined ? {} : { flags: s.flags }),
          })),
        })),
      })),
    }),
  );
}

function kvs(attrs: Attributes): { key: string; value: unknown }[] {
  const out: { key: string; value: unknown }[] = [];
  for (const key in attrs) out.push({ key, value: anyValue(attrs[key]!) });
  return out;
}

function anyValue(v: AttrValue): unknown {
  switch (typeof v) {
    case 'string':
      return { stringValue: v };
    case 'boolean':
      return { boolValue: v };
    case 'bigint':
      return { intValue: String(v) };
    case 'number':
      if (Number.isInteger(v)) return { intValue: String(v) };
      return { doubleValue: Number.isFinite(v) ? v : String(v) };
  }
  if (v === null) return {};
  if (v instanceof Uint8Array) return { bytesValue: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: kvs(v) } };
}
