/**
 * normalizeSpan throughput. Run: `npx tsx packages/semconv/bench/normalize.bench.ts`
 *
 * Spans mimic decoder output: every attribute key is a fresh (non-internalized) string per span,
 * as protobufjs produces, and one resource object is shared by 100 spans.
 */
import type { Attributes, OtlpScope, OtlpSpan } from '@plumb/otlp';
import { DEFAULT_SEMCONV_OPTIONS, normalizeSpan } from '../src/index.ts';

type Template = { name: string; scope: string; attrs: Attributes };

const TEMPLATES: Template[] = [
  {
    name: 'chat gpt-4o',
    scope: 'opentelemetry.instrumentation.openai_v2',
    attrs: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.id': 'chatcmpl-123',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.max_tokens': 1024n,
      'gen_ai.usage.input_tokens': 1200n,
      'gen_ai.usage.output_tokens': 300n,
      'gen_ai.usage.cache_read.input_tokens': 1000n,
      'gen_ai.conversation.id': 'conv-1',
      'gen_ai.agent.name': 'triage',
      'server.address': 'api.openai.com',
      'server.port': 443n,
      'http.response.status_code': 200n,
      'user.id': 'u-42',
      'gen_ai.response.time_to_first_chunk': 0.25,
      'thread.id': 1n,
      'code.function': 'reply',
    },
  },
  {
    name: 'ai.generateText.doGenerate',
    scope: 'ai',
    attrs: {
      'operation.name': 'ai.generateText.doGenerate support',
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.telemetry.functionId': 'support',
      'ai.telemetry.metadata.userId': 'user-5',
      'ai.telemetry.metadata.tenantId': 'tenant-x',
      'ai.model.id': 'gpt-4o',
      'ai.model.provider': 'openai.responses',
      'ai.settings.maxRetries': 2n,
      'ai.response.finishReason': 'stop',
      'ai.response.id': 'resp_1',
      'ai.response.model': 'gpt-4o-2024-08-06',
      'ai.response.timestamp': '2025-01-01T00:00:00Z',
      'ai.usage.inputTokens': 1500n,
      'ai.usage.outputTokens': 90n,
      'ai.usage.totalTokens': 1590n,
      'gen_ai.system': 'openai.responses',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': 1500n,
      'gen_ai.usage.output_tokens': 90n,
    },
  },
  {
    name: 'ChatOpenAI',
    scope: 'openinference.instrumentation.langchain',
    attrs: {
      'openinference.span.kind': 'LLM',
      'llm.system': 'openai',
      'llm.provider': 'openai',
      'llm.model_name': 'gpt-4o-mini',
      'llm.invocation_parameters': '{"temperature":0}',
      'llm.token_count.prompt': 812n,
      'llm.token_count.completion': 64n,
      'llm.token_count.total': 876n,
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.0.message.content': 'be brief',
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.content': 'hi',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': 'hello',
      'session.id': 'sess-9',
      'user.id': 'user-3',
      'input.value': '{"messages":[["system","be brief"],["user","hi"]]}',
      'input.mime_type': 'application/json',
      'output.value': '{"generations":[[{"text":"hello"}]]}',
      'output.mime_type': 'application/json',
    },
  },
  {
    name: 'execute_tool search',
    scope: 'app',
    attrs: {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'search',
      'gen_ai.tool.call.id': 'call_1',
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.call.arguments': '{"q":"weather"}',
      'gen_ai.tool.call.result': '{"temp":21}',
      'code.function': 'search',
      'thread.id': 1n,
    },
  },
  {
    name: 'rag_flow.workflow',
    scope: 'traceloop.sdk',
    attrs: {
      'traceloop.span.kind': 'workflow',
      'traceloop.entity.name': 'rag_flow',
      'traceloop.workflow.name': 'rag_flow',
      'traceloop.association.properties.tenant_id': 'initech',
      'traceloop.association.properties.user_id': 'u-1',
      'traceloop.entity.input': '{"args":[],"kwargs":{"q":"x"}}',
      'traceloop.entity.output': '"answer"',
    },
  },
];

/** Re-creates every key as a fresh flat string, like a wire decoder does. */
function freshAttrs(attrs: Attributes): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attrs)) out[Buffer.from(k).toString('utf8')] = v;
  return out;
}

function buildSpans(n: number, templates: Template[]) {
  const out: { resource: Attributes; scope: OtlpScope; span: OtlpSpan }[] = [];
  let resource: Attributes = {};
  for (let i = 0; i < n; i++) {
    if (i % 100 === 0) {
      resource = freshAttrs({
        'service.name': 'support-bot',
        'service.version': '2.3.1',
        'deployment.environment.name': 'prod',
        'telemetry.sdk.language': 'nodejs',
        'host.name': 'web-1',
      });
    }
    const t = templates[i % templates.length]!;
    const start = 1_750_000_000_000_000_000n + BigInt(i) * 1_000_000n;
    out.push({
      resource,
      scope: { name: t.scope, version: '1.0.0', attributes: {} },
      span: {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: i.toString(16).padStart(16, '0'),
        parentSpanId: '',
        traceState: '',
        name: t.name,
        kind: 1,
        startTimeUnixNano: start,
        endTimeUnixNano: start + 500_000_000n,
        attributes: freshAttrs(t.attrs),
        events: [],
        links: [],
        status: { code: 0, message: '' },
      },
    });
  }
  return out;
}

const N = 100_000;
const ROUNDS = 7;
let sink = 0;

/** Median spans/s over the rounds after JIT warm-up, by wall clock and by CPU time (user+sys;
 *  it excludes time the process was descheduled on a busy machine). */
function measure(templates: Template[]): { wall: number; cpu: number; attrs: number } {
  const items = buildSpans(N, templates);
  const attrs = items.reduce((a, x) => a + Object.keys(x.span.attributes).length, 0) / N;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (const { resource, scope, span } of items) {
      sink += normalizeSpan(resource, scope, span, DEFAULT_SEMCONV_OPTIONS, 8192).inputTokens;
    }
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    const used = process.cpuUsage(cpu0);
    if (round < 2) continue;
    wall.push(N / wallS);
    cpu.push(N / ((used.user + used.system) / 1e6));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { wall: median(wall), cpu: median(cpu), attrs };
}

function report(label: string, r: { wall: number; cpu: number; attrs: number }): void {
  const fmt = (rate: number) => `${Math.round(rate).toLocaleString('en-US').padStart(9)} spans/s ${(1e6 / rate).toFixed(2)} µs`;
  console.log(`${label.padEnd(28)} ${r.attrs.toFixed(1).padStart(4)} attrs | wall ${fmt(r.wall)} | cpu ${fmt(r.cpu)}`);
}

console.log(`normalizeSpan, median of ${ROUNDS - 2} rounds × ${N} spans, node ${process.version}`);
report('mixed', measure(TEMPLATES));
for (const t of TEMPLATES) report(t.name, measure([t]));
console.log(`[checksum ${sink}]`);
