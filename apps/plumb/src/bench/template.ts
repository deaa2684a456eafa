import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * A realistic 512-span OTLP protobuf request (agent traces, ~20 attributes a span) encoded by
 * the OTel SDK's own serializer, plus the byte offsets of every trace and span id in it, so a
 * load generator can stamp fresh ids into a copy per request (unique spans, no re-encoding).
 */
export interface RequestTemplate {
  body: Buffer;
  spans: number;
  traceIdOffsets: number[];
  spanIdOffsets: number[];
}

const MODELS = [
  ['openai', 'gpt-4o'],
  ['openai', 'gpt-4o-mini'],
  ['anthropic', 'claude-sonnet-4-20250514'],
  ['gcp.gemini', 'gemini-2.0-flash'],
] as const;
const TENANTS = ['acme', 'globex', 'initech', 'umbrella', 'hooli'];

export function buildTemplate(spansPerRequest = 512): RequestTemplate {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'agent-gateway', 'service.version': '2.3.1', 'deployment.environment.name': 'prod',
      'host.name': 'gw-7f9c', 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.name': 'opentelemetry',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('plumb-bench', '1.0.0');
  const t0 = Date.now() - 60_000;
  let made = 0;
  let trace_n = 0;
  while (made < spansPerRequest) {
    const tenant = TENANTS[trace_n % TENANTS.length]!;
    const spansInTrace = Math.min(16, spansPerRequest - made);
    const start = t0 + trace_n * 37;
    const root = tracer.startSpan('POST /v1/agent/run', {
      kind: SpanKind.SERVER, startTime: start,
      attributes: {
        'tenant.id': tenant, 'plumb.request_type': 'research_report', 'user.id': `user-${trace_n % 97}`, 'gen_ai.conversation.id': `conv-${trace_n % 13}`,
        'http.request.method': 'POST', 'http.route': '/v1/agent/run', 'http.response.status_code': 200, 'url.scheme': 'https',
        'server.address': 'api.example.com', 'client.address': '10.1.2.3', 'user_agent.original': 'agent-sdk/1.2',
        'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'orchestrator', 'gen_ai.agent.id': 'agt_orch_01',
        'app.region': 'eu-west-1', 'app.release': '2026.11.3', 'app.feature_flag.router': 'v2', 'net.peer.port': 443,
      },
    });
    const rootCtx = trace.setSpan(context.active(), root);
    for (let i = 1; i < spansInTrace; i++) {
      const [provider_, model] = MODELS[(trace_n + i) % MODELS.length]!;
      const isTool = i % 4 === 3;
      const s = tracer.startSpan(
        isTool ? 'execute_tool web_search' : `chat ${model}`,
        {
          kind: SpanKind.CLIENT, startTime: start + i * 2,
          attributes: isTool
            ? {
                'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'web_search', 'gen_ai.tool.call.id': `call_${trace_n}_${i}`,
                'gen_ai.tool.type': 'function', 'gen_ai.agent.name': 'researcher', 'http.request.method': 'GET', 'url.full': 'https://search.example.com/q?x=1',
                'server.address': 'search.example.com', 'server.port': 443, 'http.response.status_code': 200, 'app.cache_hit': false,
                'app.query_chars': 120 + i, 'app.results': 10, 'app.region': 'eu-west-1', 'app.release': '2026.11.3', 'net.peer.port': 443,
                'app.retry': 0, 'app.shard': i % 8, 'app.note': 'searching the web for sources',
              }
            : {
                'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': provider_, 'gen_ai.request.model': model, 'gen_ai.response.model': model,
                'gen_ai.usage.input_tokens': 1500 + i * 37, 'gen_ai.usage.output_tokens': 200 + i * 11, 'gen_ai.usage.cache_read.input_tokens': i % 2 ? 1024 : 0,
                'gen_ai.request.temperature': 0.2, 'gen_ai.request.max_tokens': 1024, 'gen_ai.response.finish_reasons': ['stop'], 'gen_ai.response.id': `resp_${trace_n}_${i}`,
                'gen_ai.agent.name': i % 2 ? 'researcher' : 'writer', 'server.address': 'api.openai.com', 'server.port': 443, 'app.region': 'eu-west-1',
                'app.release': '2026.11.3', 'app.prompt_template': 'research/v4', 'app.retry': 0, 'app.stream': true, 'gen_ai.output.type': 'text',
              },
        },
        rootCtx,
      );
      if (i === 5 && trace_n % 20 === 0) s.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
      s.end(start + i * 2 + 30 + i);
    }
    root.end(start + spansInTrace * 2 + 60);
    made += spansInTrace;
    trace_n++;
  }
  const spans = exporter.getFinishedSpans();
  const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
  const find = (hex: string) => {
    const needle = Buffer.from(hex, 'hex');
    const out: number[] = [];
    for (let i = body.indexOf(needle); i !== -1; i = body.indexOf(needle, i + 1)) out.push(i);
    return out;
  };
  const traceIds = new Set(spans.map((s) => s.spanContext().traceId));
  const spanIds = new Set(spans.map((s) => s.spanContext().spanId));
  return {
    body,
    spans: spans.length,
    traceIdOffsets: [...traceIds].flatMap(find),
    spanIdOffsets: [...spanIds].flatMap(find),
  };
}

/** A copy of the template whose ids are unique for sequence number `seq`. */
export function stamp(t: RequestTemplate, seq: number): Buffer {
  const b = Buffer.from(t.body);
  for (const o of t.traceIdOffsets) b.writeUInt32BE(seq >>> 0, o);
  for (const o of t.spanIdOffsets) b.writeUInt32BE(seq >>> 0, o);
  return b;
}
