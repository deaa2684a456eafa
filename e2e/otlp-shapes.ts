/**
 * Hand-built traces for the trace-view specs, sent over OTLP/JSON to the real collector:
 * - the 20,000-span failing chain of issue 8 ("the big trace"): a root and 19,999 nested
 *   `execute_tool step` spans, every one failed;
 * - the demo failure of issue 8: a chat call rejected with 429 and retried with success, and a
 *   retrieval of conversation-memory that timed out after 5,000 ms, failing the writer agent,
 *   which failed the root.
 * Ids are fixed: every run starts on an empty data dir.
 */
type Attr = string | number | boolean;
const anyValue = (v: Attr) =>
  typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
/** Epoch ms (µs kept) → OTLP nanoseconds. */
const nanos = (ms: number) => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

interface SpanSpec {
  spanId: string;
  parentSpanId: string;
  name: string;
  startMs: number;
  endMs: number;
  attributes?: Record<string, Attr>;
  /** OTLP status: 1 ok, 2 error. */
  status?: { code: 1 | 2; message?: string };
}

function otlpSpan(traceId: string, s: SpanSpec) {
  return {
    traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    name: s.name,
    kind: 1,
    startTimeUnixNano: nanos(s.startMs),
    endTimeUnixNano: nanos(s.endMs),
    attributes: Object.entries(s.attributes ?? {}).map(([key, v]) => ({ key, value: anyValue(v) })),
    status: s.status ?? { code: 1 },
  };
}

function request(traceId: string, service: string, spans: SpanSpec[]): string {
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ scope: { name: 'plumb-e2e' }, spans: spans.map((s) => otlpSpan(traceId, s)) }] }],
  });
}

export const BIG = { traceId: 'b16b16b16b16b16b16b16b16b16b16b1', spans: 20_000, rootName: 'run chain' } as const;
const bigSpanId = (i: number) => `b160${i.toString(16).padStart(12, '0')}`;
export const bigSpan = { id: bigSpanId, deepest: bigSpanId(BIG.spans - 1) };

/** The big chain as OTLP/JSON bodies of `batch` spans each, the root first. */
export function bigChainBodies(nowMs: number, batch = 2000): string[] {
  const n = BIG.spans;
  const t0 = nowMs - 60_000;
  const spans: SpanSpec[] = [];
  spans.push({ spanId: bigSpanId(0), parentSpanId: '', name: BIG.rootName, startMs: t0, endMs: t0 + 30_000, status: { code: 2 }, attributes: { 'tenant.id': 'e2e-big', 'plumb.request_type': 'big-chain' } });
  for (let i = 1; i < n; i++) {
    spans.push({
      spanId: bigSpanId(i),
      parentSpanId: bigSpanId(i - 1),
      name: 'execute_tool step',
      startMs: t0 + i * 0.5,
      endMs: t0 + 30_000 - i * 0.5,
      status: { code: 2 },
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'step' },
    });
  }
  const bodies: string[] = [];
  for (let i = 0; i < spans.length; i += batch) bodies.push(request(BIG.traceId, 'e2e-big', spans.slice(i, i + batch)));
  return bodies;
}

export const DEMO_FAILURE = {
  traceId: 'fa11fa11fa11fa11fa11fa11fa11fa11',
  root: 'fa11000000000001',
  chat429: 'fa11000000000002',
  chatRetry: 'fa11000000000003',
  writer: 'fa11000000000004',
  retrieval: 'fa11000000000005',
} as const;

/** The demo failure of issue 8 as one OTLP/JSON body. */
export function demoFailureBody(nowMs: number): string {
  const d = DEMO_FAILURE;
  const t0 = nowMs - 20_000;
  const retrievalMessage = 'vector search on conversation-memory timed out after 5000 ms';
  const writerMessage = `retrieval conversation-memory failed: ${retrievalMessage}`;
  const chat = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' };
  return request(d.traceId, 'orchestrator', [
    { spanId: d.root, parentSpanId: '', name: 'invoke_agent orchestrator', startMs: t0, endMs: t0 + 9000, status: { code: 2, message: `agent writer failed: ${writerMessage}` }, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'orchestrator', 'error.type': 'timeout', 'tenant.id': 'e2e-demo-failure' } },
    { spanId: d.chat429, parentSpanId: d.root, name: 'chat gpt-4o-mini', startMs: t0 + 1, endMs: t0 + 190, status: { code: 2, message: '429 Too Many Requests: rate limit exceeded, retry after backoff' }, attributes: { ...chat, 'error.type': 'rate_limit' } },
    { spanId: d.chatRetry, parentSpanId: d.root, name: 'chat gpt-4o-mini', startMs: t0 + 1000, endMs: t0 + 1600, attributes: { ...chat, 'gen_ai.usage.input_tokens': 300, 'gen_ai.usage.output_tokens': 40 } },
    { spanId: d.writer, parentSpanId: d.root, name: 'invoke_agent writer', startMs: t0 + 2910, endMs: t0 + 8990, status: { code: 2, message: writerMessage }, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'writer', 'error.type': 'timeout' } },
    { spanId: d.retrieval, parentSpanId: d.writer, name: 'retrieval conversation-memory', startMs: t0 + 3810, endMs: t0 + 8815, status: { code: 2, message: retrievalMessage }, attributes: { 'gen_ai.operation.name': 'retrieval', 'gen_ai.data_source.id': 'conversation-memory', 'error.type': 'timeout' } },
  ]);
}
