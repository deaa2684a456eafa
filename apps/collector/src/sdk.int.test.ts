import { SpanStatusCode, context, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PriceCatalog } from '@plumb/pricing';
import { sql } from '@plumb/store';
import { startTestCollector, type TestCollector } from './testing.ts';

let t: TestCollector;
beforeAll(async () => {
  t = await startTestCollector();
});
afterAll(async () => t?.stop());

/** An agent trace made with the stock OTel JS SDK: root (tenant) → agent → chat + tool. */
function emitAgentTrace(tracer: Tracer, tenant: string): string {
  const root = tracer.startSpan('support_request', { attributes: { 'tenant.id': tenant, 'plumb.request_type': 'support_ticket', 'user.id': 'u-42' } });
  const rootCtx = trace.setSpan(context.active(), root);
  const agent = tracer.startSpan('invoke_agent triage', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'triage' } }, rootCtx);
  const agentCtx = trace.setSpan(rootCtx, agent);
  const chat = tracer.startSpan(
    'chat claude-sonnet-4',
    {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': 'claude-sonnet-4',
        'gen_ai.response.model': 'claude-sonnet-4-20250514',
        'gen_ai.usage.input_tokens': 12_000,
        'gen_ai.usage.output_tokens': 800,
        'gen_ai.usage.cache_read.input_tokens': 10_000,
        'gen_ai.conversation.id': 'conv-1',
      },
    },
    agentCtx,
  );
  chat.end();
  const tool = tracer.startSpan('execute_tool lookup_order', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_order' } }, agentCtx);
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'order service timed out' });
  tool.setAttribute('error.type', 'timeout');
  tool.end();
  agent.end();
  root.end(); // the root ends (and is exported) last, like in real apps
  return root.spanContext().traceId;
}

describe.each([
  ['http/json', (url: string) => new JsonExporter({ url: `${url}/v1/traces` })],
  ['http/protobuf', (url: string) => new ProtoExporter({ url: `${url}/v1/traces` })],
])('stock OTel JS SDK over %s', (protocol, makeExporter) => {
  it('stores every span with model, tokens, tenant, request type and exact cost', async () => {
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': `support-bot-${protocol}`, 'service.version': '1.4.2', 'deployment.environment.name': 'prod' }),
      spanProcessors: [new BatchSpanProcessor(makeExporter(t.url), { scheduledDelayMillis: 50 })],
    });
    const tracer = provider.getTracer('sdk-test');
    const tenant = `tenant-${protocol}`;
    const traceId = emitAgentTrace(tracer, tenant);
    await provider.forceFlush();
    await provider.shutdown();
    await t.collector.flush();

    const rows = await t.store.query<Record<string, unknown>>(sql`
      SELECT name, parent_span_id, service, service_version, environment, tenant, request_type, user_id, session_id, operation, category,
             provider, request_model, response_model, agent_name, tool_name, input_tokens, output_tokens, cache_read_tokens,
             usage_counted, toString(cost_usd) AS cost, pricing_status, price_id, status_code, status_message, error_type, context_resolved
      FROM spans FINAL WHERE trace_id = ${traceId} ORDER BY parent_span_id != '', name`);
    // Same-millisecond starts: order by depth then name → root, chat, tool, agent.
    expect(rows.map((r) => r.name)).toEqual(['support_request', 'chat claude-sonnet-4', 'execute_tool lookup_order', 'invoke_agent triage']);
    for (const r of rows) {
      expect(r).toMatchObject({ tenant, request_type: 'support_ticket', service: `support-bot-${protocol}`, service_version: '1.4.2', environment: 'prod', context_resolved: true, user_id: 'u-42' });
    }
    const chat = rows[1]!;
    expect(chat).toMatchObject({
      operation: 'chat', category: 'llm', provider: 'anthropic', request_model: 'claude-sonnet-4', response_model: 'claude-sonnet-4-20250514',
      agent_name: 'triage', input_tokens: 12_000, output_tokens: 800, cache_read_tokens: 10_000, usage_counted: true, pricing_status: 'priced', session_id: 'conv-1',
    });
    const expected = new PriceCatalog().cost('anthropic', 'claude-sonnet-4-20250514', Date.now(), {
      inputTokens: 12_000, outputTokens: 800, cacheReadTokens: 10_000, cacheWriteTokens: 0, reasoningTokens: 0,
    });
    expect(expected.priced).toBe(true);
    expect(chat.cost).toBe(expected.costUsd.replace(/\.?0+$/, ''));
    expect(chat.price_id).toBe(expected.priceId);
    expect(rows[3]).toMatchObject({ operation: 'invoke_agent', category: 'agent', agent_name: 'triage' });
    expect(rows[2]).toMatchObject({ operation: 'execute_tool', category: 'tool', tool_name: 'lookup_order', agent_name: 'triage', status_code: 'error', status_message: 'order service timed out', error_type: 'timeout' });
  });
});
