/**
 * Test and benchmark fixtures: hand-built OTel SDK `ReadableSpan`s, serialized by the real
 * `@opentelemetry/otlp-transformer` serializers (dev-only; not exported from the package).
 */
import type { Attributes as OtelAttributes, HrTime, Link, SpanContext } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';

export interface FixtureSpanInit {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  /** OTel API kind (INTERNAL = 0); OTLP adds 1. */
  apiKind: number;
  start: HrTime;
  end: HrTime;
  /** May hold Uint8Array and plain objects: the serializers encode them as bytes / kvlist. */
  attributes: Record<string, unknown>;
  events?: { name: string; time: HrTime; attributes?: Record<string, unknown> }[];
  links?: { traceId: string; spanId: string; traceState?: string; attributes?: Record<string, unknown> }[];
  status?: { code: number; message?: string };
  resource: Resource;
  scope: { name: string; version?: string; schemaUrl?: string };
}

function ctx(traceId: string, spanId: string, traceState?: string): SpanContext {
  return {
    traceId,
    spanId,
    traceFlags: 1,
    ...(traceState ? { traceState: new TraceState(traceState) } : {}),
  };
}

export function makeSpan(init: FixtureSpanInit): ReadableSpan {
  const spanContext = ctx(init.traceId, init.spanId, init.traceState);
  const events: TimedEvent[] = (init.events ?? []).map((e) => ({
    name: e.name,
    time: e.time,
    attributes: e.attributes as OtelAttributes | undefined,
  }));
  const links: Link[] = (init.links ?? []).map((l) => ({
    context: ctx(l.traceId, l.spanId, l.traceState),
    attributes: l.attributes as OtelAttributes | undefined,
  }));
  return {
    name: init.name,
    kind: init.apiKind,
    spanContext: () => spanContext,
    ...(init.parentSpanId ? { parentSpanContext: ctx(init.traceId, init.parentSpanId) } : {}),
    startTime: init.start,
    endTime: init.end,
    status: init.status ?? { code: 0 },
    attributes: init.attributes as OtelAttributes,
    links,
    events,
    duration: [0, 0],
    ended: true,
    resource: init.resource,
    instrumentationScope: init.scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

export function toProtobuf(spans: ReadableSpan[]): Uint8Array {
  const out = ProtobufTraceSerializer.serializeRequest(spans);
  if (!out) throw new Error('serializer returned nothing');
  return out;
}

export function toJson(spans: ReadableSpan[]): Uint8Array {
  const out = JsonTraceSerializer.serializeRequest(spans);
  if (!out) throw new Error('serializer returned nothing');
  return out;
}

export { resourceFromAttributes };

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * `count` spans shaped like LLM-call spans: ~`attrsPerSpan` attributes (mostly strings, some
 * ints, doubles and a bool), one event every 4th span, one resource and scope.
 */
export function benchSpans(count: number, attrsPerSpan = 20): ReadableSpan[] {
  const resource = resourceFromAttributes({
    'service.name': 'agent-api',
    'service.version': '1.4.2',
    'deployment.environment': 'production',
    'host.name': 'ip-10-0-3-17',
    'telemetry.sdk.language': 'nodejs',
  });
  const scope = { name: '@plumb/bench', version: '0.1.0' };
  const spans: ReadableSpan[] = [];
  for (let i = 0; i < count; i++) {
    const attributes: Record<string, unknown> = {
      'gen_ai.system': 'openai',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': `chatcmpl-${hex(i * 7919, 12)}`,
      'gen_ai.usage.input_tokens': 1200 + i,
      'gen_ai.usage.output_tokens': 300 + (i % 50),
      'gen_ai.request.temperature': 0.7,
      'gen_ai.request.max_tokens': 1024,
      'gen_ai.response.finish_reasons': ['stop'],
      'http.request.method': 'POST',
      'server.address': 'api.openai.com',
      'server.port': 443,
      'url.full': 'https://api.openai.com/v1/chat/completions',
      'user.id': `user-${i % 97}`,
      'session.id': `sess-${hex(i >> 3, 8)}`,
      'plumb.tenant': 'acme-corp',
      'plumb.request_type': 'support.answer',
      'llm.streaming': i % 2 === 0,
      'app.note': 'Réponse générée — résumé',
    };
    let n = Object.keys(attributes).length;
    while (n < attrsPerSpan) attributes[`extra.attr_${n++}`] = `value-${n}`;
    spans.push(
      makeSpan({
        traceId: hex(0xabc000 + (i >> 4), 8).repeat(4),
        spanId: hex(0x10000000 + i, 16),
        parentSpanId: i % 16 === 0 ? undefined : hex(0x10000000 + (i & ~15), 16),
        name: i % 16 === 0 ? 'agent.run' : 'chat gpt-4o-mini',
        apiKind: i % 16 === 0 ? 1 : 2,
        start: [1_700_000_000 + i, 123_456_789],
        end: [1_700_000_001 + i, 987_654_321],
        attributes,
        events:
          i % 4 === 0
            ? [{ name: 'gen_ai.choice', time: [1_700_000_000 + i, 500_000_000], attributes: { index: 0 } }]
            : [],
        status: { code: i % 10 === 0 ? 2 : 0, ...(i % 10 === 0 ? { message: 'rate limited' } : {}) },
        resource,
        scope,
      }),
    );
  }
  return spans;
}
