/**
 * Model calls for the drift spec, sent over OTLP/JSON with past timestamps: a reference week and
 * a current day for two served models. In the current day `e2e-drift-v2` answers with twice the
 * output tokens and a third of its calls stop on `length`; `e2e-drift-v1` does not change. Every
 * call carries an LLM-judge `helpfulness` score; the canary's truncated answers score low.
 */
export const DRIFT_MODELS = { stable: 'e2e-drift-v1', canary: 'e2e-drift-v2' } as const;
const HOUR = 3_600_000;

const nanos = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();
const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
const attr = (key: string, v: string | number) => ({ key, value: typeof v === 'string' ? { stringValue: v } : { intValue: String(v) } });

/** An LLM-judge score on the model call (OTel `gen_ai.evaluation.result` event): the scores view reads it. */
const judged = (ms: number, score: number) => [{
  timeUnixNano: nanos(ms), name: 'gen_ai.evaluation.result',
  attributes: [attr('gen_ai.evaluation.name', 'helpfulness'), { key: 'gen_ai.evaluation.score.value', value: { doubleValue: score } }, attr('gen_ai.evaluation.score.label', score >= 0.5 ? 'pass' : 'fail')],
}];

function trace(i: number, startMs: number, model: string, outputTokens: number, finish: string, score: number) {
  const traceId = `d1f7${hex(i, 28)}`;
  const root = `d1${hex(i, 14)}`;
  const llm = `d2${hex(i, 14)}`;
  return [
    { traceId, spanId: root, name: 'invoke_agent answerer', kind: 2, startTimeUnixNano: nanos(startMs), endTimeUnixNano: nanos(startMs + 2000),
      attributes: [attr('gen_ai.operation.name', 'invoke_agent'), attr('gen_ai.agent.name', 'answerer'), attr('plumb.request_type', 'drift-chat')], status: { code: 1 } },
    { traceId, spanId: llm, parentSpanId: root, name: `chat ${model}`, kind: 3, startTimeUnixNano: nanos(startMs + 10), endTimeUnixNano: nanos(startMs + 1900),
      attributes: [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.provider.name', 'openai'), attr('gen_ai.request.model', model), attr('gen_ai.response.model', model),
        attr('gen_ai.usage.input_tokens', 200), attr('gen_ai.usage.output_tokens', outputTokens),
        { key: 'gen_ai.response.finish_reasons', value: { arrayValue: { values: [{ stringValue: finish }] } } }],
      events: judged(startMs + 1900, score), status: { code: 1 } },
  ];
}

/** OTLP/JSON bodies (a few hundred traces each) for the whole data set, ending before `nowMs`. */
export function driftBodies(nowMs: number): string[] {
  const spans: unknown[] = [];
  let i = 0;
  // Reference: 1,400 calls over days −8..−1 (700 per model), outputs 100..299 tokens.
  for (let k = 0; k < 1400; k++) {
    const t = nowMs - 8 * 24 * HOUR + 2 * HOUR + (k * (6.5 * 24 * HOUR)) / 1400;
    spans.push(...trace(++i, t, k % 2 ? DRIFT_MODELS.stable : DRIFT_MODELS.canary, 100 + ((k * 37) % 200), 'stop', 0.7 + ((k * 13) % 30) / 100));
  }
  // Current: 1,200 calls over the last 22 hours.
  for (let k = 0; k < 1200; k++) {
    const t = nowMs - 22 * HOUR + (k * 21 * HOUR) / 1200;
    const canary = k % 2 === 0;
    const out = 100 + ((k * 37) % 200);
    const truncated = canary && k % 3 === 0;
    // Helpfulness holds for the stable model; the canary's truncated answers fail the judge.
    const score = truncated ? 0.2 + ((k * 7) % 20) / 100 : 0.7 + ((k * 13) % 30) / 100;
    spans.push(...trace(++i, t, canary ? DRIFT_MODELS.canary : DRIFT_MODELS.stable, canary ? out * 2 : out, truncated ? 'length' : 'stop', score));
  }
  const bodies: string[] = [];
  for (let s = 0; s < spans.length; s += 800) {
    bodies.push(JSON.stringify({
      resourceSpans: [{ resource: { attributes: [attr('service.name', 'e2e-drift'), attr('service.version', '1.0.0')] }, scopeSpans: [{ scope: { name: 'e2e-drift' }, spans: spans.slice(s, s + 800) }] }],
    }));
  }
  return bodies;
}
