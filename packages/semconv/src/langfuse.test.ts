import { describe, expect, it } from 'vitest';
import { START_NS, norm } from './test-span.ts';
import { langfuseUsage } from './usage.ts';

describe('Langfuse', () => {
  const generation = norm({
    name: 'answer',
    scope: 'langfuse-sdk',
    attributes: {
      'langfuse.observation.type': 'generation',
      'langfuse.observation.model.name': 'claude-3-5-sonnet-20241022',
      'langfuse.observation.usage_details':
        '{"input":200,"output":150,"input_cached_tokens":1000,"input_cache_creation":300,"output_reasoning_tokens":50,"total":1700}',
      'langfuse.observation.cost_details': '{"input":0.0006,"output":0.00225,"total":0.00285}',
      'langfuse.observation.input': '[{"role":"user","content":"hi"}]',
      'langfuse.observation.output': '{"role":"assistant","content":"hello"}',
      'langfuse.session.id': 'lf-session',
      'langfuse.user.id': 'lf-user',
      'langfuse.trace.name': 'qa-pipeline',
      'langfuse.trace.metadata.tenant': 'globex',
      'langfuse.trace.metadata.request_type': 'qa',
      'langfuse.observation.completion_start_time': `"${new Date(Number(START_NS / 1_000_000n) + 640).toISOString()}"`,
    },
  });

  it('converts exclusive usage_details to inclusive OTel buckets', () => {
    expect(generation).toMatchObject({
      inputTokens: 1500, // 200 uncached + 1000 cache read + 300 cache write
      outputTokens: 200, // 150 + 50 reasoning
      cacheReadTokens: 1000,
      cacheWriteTokens: 300,
      reasoningTokens: 50,
      usageCounted: true,
    });
  });

  it('maps the observation, trace fields and reported cost', () => {
    expect(generation).toMatchObject({
      operation: 'chat',
      category: 'llm',
      requestModel: 'claude-3-5-sonnet-20241022',
      sessionId: 'lf-session',
      userId: 'lf-user',
      workflowName: 'qa-pipeline',
      tenant: 'globex',
      requestType: 'qa',
      reportedCostUsd: 0.00285,
      inputText: '[{"role":"user","content":"hi"}]',
      outputText: '{"role":"assistant","content":"hello"}',
    });
  });

  it('derives TTFT from completion_start_time relative to the span start', () => {
    expect(generation.ttftMs).toBe(640);
  });

  it('converts Anthropic-style bucket names too', () => {
    expect(
      langfuseUsage({ input: 10, output: 5, cache_read_input_tokens: 90, cache_creation_input_tokens: 20 }),
    ).toEqual({ input: 120, output: 5, cacheRead: 90, cacheWrite: 20, reasoning: 0 });
  });

  it('uses total when it is the only count', () => {
    expect(langfuseUsage({ total: 33 })).toEqual({ input: 33, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 });
  });

  it('accepts a structured usage_details value and numeric strings', () => {
    const n = norm({
      attributes: {
        'langfuse.observation.type': 'generation',
        'langfuse.observation.usage_details': { input: '7', output: 3n },
      },
    });
    expect(n).toMatchObject({ inputTokens: 7, outputTokens: 3 });
  });

  it('prefers gen_ai.usage attributes over the usage_details JSON', () => {
    const n = norm({
      attributes: {
        'gen_ai.usage.input_tokens': 100,
        'langfuse.observation.usage_details': '{"input":1,"output":1}',
      },
    });
    expect(n).toMatchObject({ inputTokens: 100, outputTokens: 0 });
  });

  it('sums cost buckets when no total is given', () => {
    const n = norm({ attributes: { 'langfuse.observation.cost_details': '{"input":0.25,"output":0.5}' } });
    expect(n.reportedCostUsd).toBe(0.75);
  });

  it.each([
    ['generation', 'chat', 'llm', true],
    ['embedding', 'embeddings', 'llm', true],
    ['agent', 'invoke_agent', 'agent', false],
    ['tool', 'execute_tool', 'tool', false],
    ['chain', '', 'chain', false],
    ['retriever', 'retrieval', 'retrieval', false],
    ['guardrail', 'guardrail', 'other', false],
    ['evaluator', 'evaluator', 'other', false],
    ['span', '', 'other', false],
    ['event', '', 'other', false],
  ])('observation type %s → %s / %s (counted %s)', (type, operation, category, counted) => {
    expect(norm({ attributes: { 'langfuse.observation.type': type } })).toMatchObject({
      operation,
      category,
      usageCounted: counted,
    });
  });

  it('names agent and tool observations after the span', () => {
    expect(norm({ name: 'planner', attributes: { 'langfuse.observation.type': 'agent' } }).agentName).toBe('planner');
    expect(norm({ name: 'search', attributes: { 'langfuse.observation.type': 'tool' } }).toolName).toBe('search');
  });

  it('treats level ERROR as an error and reads langfuse.environment', () => {
    const n = norm({
      resource: { 'service.name': 'svc' },
      attributes: { 'langfuse.observation.level': 'ERROR', 'langfuse.environment': 'dev' },
    });
    expect(n).toMatchObject({ errorType: '_OTHER', environment: 'dev' });
  });

  it('reads tenant from the langfuse.trace.metadata JSON', () => {
    const n = norm({ attributes: { 'langfuse.trace.metadata': '{"tenant_id":"t-9","requestType":"batch"}' } });
    expect(n).toMatchObject({ tenant: 't-9', requestType: 'batch' });
  });
});
