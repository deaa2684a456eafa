/**
 * A hand-built trace sent over OTLP/JSON next to the demo workload. Its prompt carries HTML and
 * script-like text so the specs can check that user content is rendered as text, never as markup.
 * Ids are fixed: every run starts on an empty data dir.
 */
export const PROBE = {
  traceId: 'e2e0e2e0e2e0e2e0e2e0e2e0e2e0e2e0',
  rootSpanId: 'e2e0000000000001',
  agentSpanId: 'e2e0000000000002',
  llmSpanId: 'e2e0000000000003',
  tenant: 'e2e-probe',
  agent: 'probe_agent',
  model: 'gpt-4o-mini',
  inputTokens: 1200,
  outputTokens: 300,
  /** Would run script / create elements if it were injected as HTML. */
  prompt: '<img src=x onerror="window.__plumbXss=1"><b id="xss-bold">bold?</b> & "quoted" </div>',
  answer: '<script>window.__plumbXss=2</script>plain answer',
} as const;

type Attr = string | number | boolean;

function anyValue(v: Attr): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

const nanos = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();

interface SpanSpec {
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Record<string, Attr>;
}

function span(s: SpanSpec) {
  return {
    traceId: PROBE.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: nanos(s.startMs),
    endTimeUnixNano: nanos(s.endMs),
    attributes: Object.entries(s.attributes).map(([key, v]) => ({ key, value: anyValue(v) })),
    status: { code: 1 },
  };
}

const messages = (role: string, text: string) => JSON.stringify([{ role, parts: [{ type: 'text', content: text }] }]);

/** The OTLP/JSON ExportTraceServiceRequest for the probe trace, ending at `nowMs`. */
export function probeRequest(nowMs: number): string {
  const t0 = nowMs - 2000;
  const spans = [
    span({
      spanId: PROBE.rootSpanId,
      parentSpanId: '',
      name: 'POST /probe',
      kind: 2,
      startMs: t0,
      endMs: t0 + 1500,
      attributes: { 'tenant.id': PROBE.tenant, 'plumb.request_type': 'chat', 'user.id': 'e2e-user' },
    }),
    span({
      spanId: PROBE.agentSpanId,
      parentSpanId: PROBE.rootSpanId,
      name: `invoke_agent ${PROBE.agent}`,
      kind: 1,
      startMs: t0 + 10,
      endMs: t0 + 1400,
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': PROBE.agent },
    }),
    span({
      spanId: PROBE.llmSpanId,
      parentSpanId: PROBE.agentSpanId,
      name: `chat ${PROBE.model}`,
      kind: 3,
      startMs: t0 + 20,
      endMs: t0 + 1300,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': PROBE.model,
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'server.address': 'api.openai.com',
        'gen_ai.usage.input_tokens': PROBE.inputTokens,
        'gen_ai.usage.output_tokens': PROBE.outputTokens,
        'gen_ai.input.messages': messages('user', PROBE.prompt),
        'gen_ai.output.messages': messages('assistant', PROBE.answer),
      },
    }),
  ];
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'e2e-probe' } }] },
        scopeSpans: [{ scope: { name: 'plumb-e2e' }, spans }],
      },
    ],
  });
}
