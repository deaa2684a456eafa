import { context, trace, TraceFlags } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@plumb/store';
import { hexId, otlpJson, postJson, startTestCollector, type JsonSpanSpec, type TestCollector } from './testing.ts';

/**
 * Defect 5 (collector side): a gateway propagates `traceparent` but does not export to Plumb,
 * so no span of the trace has an empty parent. The span whose parent is flagged remote in the
 * OTLP span flags is the local root: stored with is_root, and it resolves the trace's context.
 */
let t: TestCollector;
beforeAll(async () => {
  // A long hold: a trace that does not resolve would keep its spans held until the flush.
  t = await startTestCollector({ contextHoldMs: 60_000 });
});
afterAll(async () => t?.stop());

const rowsOf = (traceId: string) =>
  t.store.query<{ name: string; is_root: boolean; tenant: string; request_type: string; route: string; context_resolved: boolean }>(sql`
    SELECT name, is_root, tenant, request_type, route, context_resolved FROM spans FINAL WHERE trace_id = ${traceId} ORDER BY is_root DESC, start_time`);

/** OTLP/JSON with per-span `flags` (the helper does not write them). */
function withFlags(spans: JsonSpanSpec[], flags: (number | undefined)[]): string {
  const body = JSON.parse(otlpJson(spans)) as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
  body.resourceSpans[0]!.scopeSpans[0]!.spans.forEach((s, i) => {
    if (flags[i] !== undefined) s.flags = flags[i];
  });
  return JSON.stringify(body);
}

describe('spans whose parent is remote (OTLP span flags)', () => {
  it('stores the entry span as the root and resolves the context from it, without waiting', async () => {
    const traceId = hexId(16);
    const gateway = hexId(8); // never exported
    const entry = hexId(8);
    const now = Date.now() - 5_000;
    const spans: JsonSpanSpec[] = [
      { traceId, spanId: hexId(8), parentSpanId: entry, name: 'chat gpt-4o', startMs: now + 5, durationMs: 100 },
      { traceId, spanId: entry, parentSpanId: gateway, name: 'POST /v1/answer', startMs: now, durationMs: 200, attributes: { 'tenant.id': 'remote-co', 'http.route': '/v1/answer' } },
    ];
    // 0x301: sampled + HAS_IS_REMOTE + IS_REMOTE on the entry span; 0x101 (parent known local) on the child.
    const res = await postJson(t.url, withFlags(spans, [0x101, 0x301]));
    expect(res.status).toBe(200);
    // Resolved at once: nothing waits for a root that will never come.
    expect(t.collector.heldRows).toBe(0);
    await t.collector.flush();
    const rows = await rowsOf(traceId);
    expect(rows.map((r) => [r.name, r.is_root, r.tenant, r.context_resolved])).toEqual([
      ['POST /v1/answer', true, 'remote-co', true],
      ['chat gpt-4o', false, 'remote-co', true],
    ]);
  });

  it('does not treat a parent without HAS_IS_REMOTE as remote', async () => {
    const traceId = hexId(16);
    const spans: JsonSpanSpec[] = [{ traceId, spanId: hexId(8), parentSpanId: hexId(8), name: 'inner', startMs: Date.now() - 1_000, durationMs: 5 }];
    await postJson(t.url, withFlags(spans, [0x200]));
    expect(t.collector.heldRows).toBe(1);
    await t.collector.flush();
    expect((await rowsOf(traceId)).map((r) => [r.is_root, r.context_resolved])).toEqual([[false, false]]);
  });

  describe.each([
    ['http/json', (url: string) => new JsonExporter({ url: `${url}/v1/traces` })],
    ['http/protobuf', (url: string) => new ProtoExporter({ url: `${url}/v1/traces` })],
  ])('stock OTel JS SDK over %s continuing a propagated traceparent', (protocol, makeExporter) => {
    it('marks the local root and resolves its tenant', async () => {
      const provider = new NodeTracerProvider({
        resource: resourceFromAttributes({ 'service.name': `behind-gateway-${protocol}` }),
        spanProcessors: [new BatchSpanProcessor(makeExporter(t.url), { scheduledDelayMillis: 50 })],
      });
      const tracer = provider.getTracer('remote-parent-test');
      // What a propagator extracts from an incoming `traceparent` header: a remote span context.
      const traceId = hexId(16);
      const remote = trace.setSpanContext(context.active(), { traceId, spanId: hexId(8), traceFlags: TraceFlags.SAMPLED, isRemote: true });
      const entry = tracer.startSpan('POST /chat', { attributes: { 'tenant.id': `gw-${protocol}`, 'http.route': '/chat' } }, remote);
      const child = tracer.startSpan('chat gpt-4o', {}, trace.setSpan(remote, entry));
      child.end();
      entry.end();
      await provider.forceFlush();
      await provider.shutdown();
      expect(t.collector.heldRows).toBe(0);
      await t.collector.flush();
      const rows = await rowsOf(traceId);
      expect(rows.map((r) => [r.name, r.is_root, r.tenant, r.context_resolved])).toEqual([
        ['POST /chat', true, `gw-${protocol}`, true],
        ['chat gpt-4o', false, `gw-${protocol}`, true],
      ]);
    });
  });
});
