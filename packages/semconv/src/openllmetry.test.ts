import { describe, expect, it } from 'vitest';
import { norm } from './test-span.ts';

describe('OpenLLMetry / Traceloop', () => {
  it('maps a legacy openai.chat span with flattened prompts and total tokens', () => {
    const n = norm({
      name: 'openai.chat',
      kind: 3,
      scope: 'opentelemetry.instrumentation.openai.v1',
      attributes: {
        'llm.request.type': 'chat',
        'gen_ai.system': 'OpenAI',
        'gen_ai.request.model': 'gpt-3.5-turbo',
        'gen_ai.response.model': 'gpt-3.5-turbo-0125',
        'gen_ai.prompt.0.role': 'user',
        'gen_ai.prompt.0.content': 'Tell me a joke',
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.content': 'Why did…',
        'gen_ai.completion.0.finish_reason': 'stop',
        'gen_ai.usage.prompt_tokens': 12,
        'gen_ai.usage.completion_tokens': 30,
        'llm.usage.total_tokens': 42,
        'gen_ai.prompt.name': 'joke-prompt', // not a flattened message
        'traceloop.association.properties.user_id': 'u-1',
        'traceloop.association.properties.session_id': 's-1',
        'traceloop.workflow.name': 'joke_flow',
      },
    });
    expect(n).toMatchObject({
      operation: 'chat',
      category: 'llm',
      usageCounted: true,
      provider: 'openai',
      requestModel: 'gpt-3.5-turbo',
      responseModel: 'gpt-3.5-turbo-0125',
      inputTokens: 12,
      outputTokens: 30,
      userId: 'u-1',
      sessionId: 's-1',
      workflowName: 'joke_flow',
    });
    expect(JSON.parse(n.inputText)).toEqual([{ role: 'user', content: 'Tell me a joke' }]);
    expect(JSON.parse(n.outputText)).toEqual([{ role: 'assistant', content: 'Why did…', finish_reason: 'stop' }]);
  });

  it('orders flattened prompts numerically (10 after 2)', () => {
    const attributes: Record<string, string> = { 'llm.request.type': 'chat' };
    for (let i = 0; i <= 10; i++) attributes[`gen_ai.prompt.${i}.content`] = `m${i}`;
    const parsed = JSON.parse(norm({ attributes }).inputText) as { content: string }[];
    expect(parsed.map((m) => m.content)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10']);
  });

  it.each([
    ['completion', 'text_completion', 'llm', true],
    ['embedding', 'embeddings', 'llm', true],
    ['rerank', 'rerank', 'retrieval', true],
  ])('llm.request.type %s → %s', (type, operation, category, counted) => {
    expect(norm({ attributes: { 'llm.request.type': type } })).toMatchObject({
      operation,
      category,
      usageCounted: counted,
    });
  });

  it('fills the remaining side from the total when only one side is reported', () => {
    const n = norm({
      attributes: { 'llm.request.type': 'chat', 'gen_ai.usage.prompt_tokens': 10, 'llm.usage.total_tokens': 25 },
    });
    expect(n).toMatchObject({ inputTokens: 10, outputTokens: 15 });
  });

  it('maps decorated workflow / task / agent / tool spans and their entity names', () => {
    const workflow = norm({
      name: 'joke_flow.workflow',
      attributes: { 'traceloop.span.kind': 'workflow', 'traceloop.entity.name': 'joke_flow' },
    });
    expect(workflow).toMatchObject({ operation: 'workflow', category: 'chain', workflowName: 'joke_flow', usageCounted: false });

    const task = norm({ attributes: { 'traceloop.span.kind': 'task', 'traceloop.entity.name': 'fetch' } });
    expect(task).toMatchObject({ operation: '', category: 'chain', toolName: '', agentName: '' });

    const agent = norm({
      attributes: {
        'traceloop.span.kind': 'agent',
        'traceloop.entity.name': 'researcher',
        'traceloop.entity.input': '{"q":"x"}',
        'traceloop.entity.output': '{"a":"y"}',
      },
    });
    expect(agent).toMatchObject({
      operation: 'invoke_agent',
      category: 'agent',
      agentName: 'researcher',
      inputText: '{"q":"x"}',
      outputText: '{"a":"y"}',
    });

    const tool = norm({ attributes: { 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 'web_search' } });
    expect(tool).toMatchObject({ operation: 'execute_tool', category: 'tool', toolName: 'web_search' });
  });

  it('prefers gen_ai.agent.name set by the newer SDK over the entity name', () => {
    const n = norm({
      attributes: { 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'e', 'gen_ai.agent.name': 'a' },
    });
    expect(n.agentName).toBe('a');
  });

  it('reads legacy cache and reasoning token names', () => {
    const n = norm({
      attributes: {
        'llm.request.type': 'chat',
        'gen_ai.system': 'Anthropic',
        'gen_ai.usage.input_tokens': 3000,
        'gen_ai.usage.output_tokens': 500,
        'gen_ai.usage.cache_read_input_tokens': 2000,
        'gen_ai.usage.cache_creation_input_tokens': 900,
        'llm.usage.reasoning_tokens': 200,
      },
    });
    expect(n).toMatchObject({
      provider: 'anthropic',
      inputTokens: 3000,
      outputTokens: 500,
      cacheReadTokens: 2000,
      cacheWriteTokens: 900,
      reasoningTokens: 200,
    });
  });
});
