import { describe, expect, it } from 'vitest';
import { makeEvent, norm } from './test-span.ts';

describe('OTel GenAI (current names)', () => {
  const chat = norm({
    name: 'chat gpt-4o',
    kind: 3,
    resource: {
      'service.name': 'support-bot',
      'service.version': '2.3.1',
      'deployment.environment.name': 'prod',
    },
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': 1200n,
      'gen_ai.usage.output_tokens': 300n,
      'gen_ai.usage.cache_read.input_tokens': 1000n,
      'gen_ai.usage.cache_creation.input_tokens': 100n,
      'gen_ai.usage.reasoning.output_tokens': 120n,
      'gen_ai.conversation.id': 'conv-1',
      'gen_ai.agent.name': 'triage',
      'gen_ai.agent.id': 'agent-7',
      'user.id': 'u-42',
      'gen_ai.response.time_to_first_chunk': 0.25,
      'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]',
      'gen_ai.output.messages': [{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }] }],
      'server.address': 'api.openai.com',
    },
  });

  it('maps identity, model and conversation fields', () => {
    expect(chat).toMatchObject({
      operation: 'chat',
      category: 'llm',
      provider: 'openai',
      requestModel: 'gpt-4o',
      responseModel: 'gpt-4o-2024-08-06',
      agentName: 'triage',
      agentId: 'agent-7',
      sessionId: 'conv-1',
      userId: 'u-42',
      serviceName: 'support-bot',
      serviceVersion: '2.3.1',
      environment: 'prod',
      errorType: '',
      reportedCostUsd: null,
    });
  });

  it('keeps inclusive token buckets as reported and counts the leaf call', () => {
    expect(chat).toMatchObject({
      inputTokens: 1200,
      outputTokens: 300,
      cacheReadTokens: 1000,
      cacheWriteTokens: 100,
      reasoningTokens: 120,
      usageCounted: true,
    });
  });

  it('converts time_to_first_chunk from seconds to ms', () => {
    expect(chat.ttftMs).toBe(250);
  });

  it('keeps string content verbatim and serializes structured content as JSON', () => {
    expect(chat.inputText).toBe('[{"role":"user","parts":[{"type":"text","content":"hi"}]}]');
    expect(JSON.parse(chat.outputText)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }] }]);
  });

  it('accepts the genai-repo cache_write name over cache_creation', () => {
    const n = norm({
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.usage.input_tokens': 500,
        'gen_ai.usage.cache_write.input_tokens': 400,
        'gen_ai.usage.cache_creation.input_tokens': 1,
      },
    });
    expect(n.cacheWriteTokens).toBe(400);
  });

  it('does not count usage on invoke_agent spans that repeat their children', () => {
    const agent = norm({
      name: 'invoke_agent triage',
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'triage',
        'gen_ai.usage.input_tokens': 5000,
        'gen_ai.usage.output_tokens': 800,
      },
    });
    expect(agent).toMatchObject({ operation: 'invoke_agent', category: 'agent', usageCounted: false });
    expect(agent.inputTokens).toBe(5000); // still reported, just not summed
  });

  it.each([
    ['text_completion', 'text_completion', 'llm', true],
    ['generate_content', 'generate_content', 'llm', true],
    ['embeddings', 'embeddings', 'llm', true],
    ['create_agent', 'create_agent', 'agent', false],
    ['execute_tool', 'execute_tool', 'tool', false],
    ['retrieval', 'retrieval', 'retrieval', false],
    ['rerank', 'rerank', 'retrieval', true],
    ['invoke_workflow', 'workflow', 'chain', false],
    ['some_future_op', '', 'other', false],
  ])('gen_ai.operation.name %s → %s / %s (counted %s)', (op, operation, category, counted) => {
    expect(norm({ attributes: { 'gen_ai.operation.name': op } })).toMatchObject({
      operation,
      category,
      usageCounted: counted,
    });
  });

  it('maps tool spans, taking the name from the attribute or the span name', () => {
    const tool = norm({
      name: 'execute_tool get_weather',
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.call.id': 'call_1',
        'gen_ai.tool.call.arguments': { city: 'Paris' },
        'gen_ai.tool.call.result': '{"temp":21}',
      },
    });
    expect(tool).toMatchObject({
      operation: 'execute_tool',
      category: 'tool',
      toolName: 'get_weather',
      toolCallId: 'call_1',
      inputText: '{"city":"Paris"}',
      outputText: '{"temp":21}',
    });
  });

  it('derives the workflow name from invoke_workflow spans', () => {
    const n = norm({ name: 'invoke_workflow nightly', attributes: { 'gen_ai.operation.name': 'invoke_workflow' } });
    expect(n.workflowName).toBe('nightly');
    expect(norm({ attributes: { 'gen_ai.workflow.name': 'wf' } }).workflowName).toBe('wf');
  });

  it('falls back to the span name when gen_ai.operation.name is missing', () => {
    expect(norm({ name: 'chat claude-sonnet-4', attributes: {} })).toMatchObject({ operation: 'chat', usageCounted: true });
    expect(norm({ name: 'chatter', attributes: {} }).operation).toBe('');
  });

  it('reads the draft cost attribute only when it is in USD', () => {
    expect(norm({ attributes: { 'gen_ai.usage.cost.amount': 0.0123 } }).reportedCostUsd).toBe(0.0123);
    expect(
      norm({ attributes: { 'gen_ai.usage.cost.amount': 1.5, 'gen_ai.usage.cost.currency': 'usd' } }).reportedCostUsd,
    ).toBe(1.5);
    expect(
      norm({ attributes: { 'gen_ai.usage.cost.amount': 1.5, 'gen_ai.usage.cost.currency': 'EUR' } }).reportedCostUsd,
    ).toBeNull();
    expect(norm({ attributes: { 'gen_ai.usage.cost': '0.5' } }).reportedCostUsd).toBe(0.5);
  });
});

describe('OTel GenAI (deprecated and legacy names)', () => {
  it('reads gen_ai.system and prompt/completion token names', () => {
    const n = norm({
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'az.ai.openai',
        'gen_ai.request.model': 'gpt-4',
        'gen_ai.usage.prompt_tokens': 40,
        'gen_ai.usage.completion_tokens': 10,
        'gen_ai.usage.cache_read_input_tokens': 30,
        'gen_ai.usage.cache_creation_input_tokens': 5,
      },
    });
    expect(n).toMatchObject({
      provider: 'azure.ai.openai',
      inputTokens: 40,
      outputTokens: 10,
      cacheReadTokens: 30,
      cacheWriteTokens: 5,
    });
  });

  it('prefers current names over deprecated ones', () => {
    const n = norm({
      attributes: {
        'gen_ai.provider.name': 'gcp.vertex_ai',
        'gen_ai.system': 'openai',
        'gen_ai.usage.input_tokens': 7,
        'gen_ai.usage.prompt_tokens': 9,
      },
    });
    expect(n.provider).toBe('gcp.vertex_ai');
    expect(n.inputTokens).toBe(7);
  });

  it('falls back to deprecated.environment and reads vLLM server latency in seconds', () => {
    const n = norm({
      resource: { 'service.name': 'vllm', 'deployment.environment': 'staging' },
      attributes: {
        'gen_ai.response.model': 'meta-llama/Llama-3.1-8B',
        'gen_ai.usage.prompt_tokens': 100,
        'gen_ai.usage.completion_tokens': 20,
        'gen_ai.latency.time_to_first_token': 0.042,
      },
    });
    expect(n.environment).toBe('staging');
    expect(n.ttftMs).toBeCloseTo(42);
    // No span-type signal but a model: treated as a model call (Langfuse's presence rule).
    expect(n).toMatchObject({ category: 'llm', operation: '', usageCounted: true });
  });

  it('reads content from the operation.details event when it is not on the span', () => {
    const n = norm({
      attributes: { 'gen_ai.operation.name': 'chat' },
      events: [
        makeEvent('gen_ai.client.inference.operation.details', {
          'gen_ai.input.messages': '[{"role":"user"}]',
          'gen_ai.output.messages': '[{"role":"assistant"}]',
        }),
      ],
    });
    expect(n.inputText).toBe('[{"role":"user"}]');
    expect(n.outputText).toBe('[{"role":"assistant"}]');
  });
});

describe('error type', () => {
  it('prefers error.type', () => {
    const n = norm({
      attributes: { 'error.type': 'rate_limited' },
      status: { code: 2, message: 'boom' },
      events: [makeEvent('exception', { 'exception.type': 'HTTPError' })],
    });
    expect(n.errorType).toBe('rate_limited');
  });

  it('uses exception.type from the first exception event', () => {
    const n = norm({
      status: { code: 2, message: 'boom' },
      events: [makeEvent('log'), makeEvent('exception', { 'exception.type': 'TimeoutError' })],
    });
    expect(n.errorType).toBe('TimeoutError');
  });

  it('uses _OTHER for an ERROR status with nothing else and "" otherwise', () => {
    expect(norm({ status: { code: 2, message: '' } }).errorType).toBe('_OTHER');
    expect(norm({ status: { code: 1, message: '' } }).errorType).toBe('');
    expect(norm().errorType).toBe('');
  });
});
