import { describe, expect, it } from 'vitest';
import type { NormalizedSpan } from './types.ts';
import { makeEvent, norm } from './test-span.ts';

/** What a trace would bill: usage summed only over counted spans. */
function billed(spans: NormalizedSpan[]): { input: number; output: number } {
  const counted = spans.filter((s) => s.usageCounted);
  return {
    input: counted.reduce((a, s) => a + s.inputTokens, 0),
    output: counted.reduce((a, s) => a + s.outputTokens, 0),
  };
}

const common = {
  'ai.telemetry.functionId': 'support-reply',
  'ai.telemetry.metadata.userId': 'user-5',
  'ai.telemetry.metadata.sessionId': 'chat-77',
  'ai.telemetry.metadata.tenantId': 'tenant-x',
  'ai.telemetry.metadata.requestType': 'reply',
  'ai.model.id': 'gpt-4o',
  'ai.model.provider': 'openai.responses',
};

describe('Vercel AI SDK legacy ai.* spans', () => {
  const parent = norm({
    name: 'ai.generateText',
    scope: 'ai',
    attributes: {
      ...common,
      'operation.name': 'ai.generateText support-reply',
      'ai.operationId': 'ai.generateText',
      'resource.name': 'support-reply',
      'ai.prompt': '{"prompt":"Where is my order?"}',
      'ai.response.text': 'It ships tomorrow.',
      'ai.usage.inputTokens': 1500,
      'ai.usage.outputTokens': 90,
      'ai.usage.totalTokens': 1590,
    },
  });
  const child = norm({
    name: 'ai.generateText.doGenerate',
    scope: 'ai',
    attributes: {
      ...common,
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.prompt.messages': '[{"role":"user","content":[{"type":"text","text":"Where is my order?"}]}]',
      'ai.response.text': 'It ships tomorrow.',
      'ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.system': 'openai.responses',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': 1500,
      'gen_ai.usage.output_tokens': 90,
      'ai.usage.inputTokens': 1500,
      'ai.usage.outputTokens': 90,
      'ai.usage.inputTokenDetails.cacheReadTokens': 1024,
      'ai.usage.outputTokenDetails.reasoningTokens': 40,
    },
  });
  const tool = norm({
    name: 'ai.toolCall',
    scope: 'ai',
    attributes: {
      ...common,
      'ai.operationId': 'ai.toolCall',
      'ai.toolCall.name': 'lookupOrder',
      'ai.toolCall.id': 'call_abc',
      'ai.toolCall.args': '{"orderId":"123"}',
      'ai.toolCall.result': '{"status":"shipped"}',
    },
  });

  it('counts usage once: on doGenerate, not on the ai.generateText wrapper', () => {
    expect(parent).toMatchObject({ operation: 'invoke_agent', category: 'agent', usageCounted: false, inputTokens: 1500 });
    expect(child).toMatchObject({ operation: 'chat', category: 'llm', usageCounted: true });
    expect(billed([parent, child, tool])).toEqual({ input: 1500, output: 90 });
  });

  it('normalizes the provider id and separates requested from served model', () => {
    expect(parent).toMatchObject({ provider: 'openai', requestModel: 'gpt-4o', responseModel: '' });
    expect(child).toMatchObject({ provider: 'openai', requestModel: 'gpt-4o', responseModel: 'gpt-4o-2024-08-06' });
  });

  it('reads token details, metadata, function id and content', () => {
    expect(child).toMatchObject({
      cacheReadTokens: 1024,
      reasoningTokens: 40,
      userId: 'user-5',
      sessionId: 'chat-77',
      tenant: 'tenant-x',
      requestType: 'reply',
      workflowName: 'support-reply',
      agentName: 'support-reply',
      outputText: 'It ships tomorrow.',
    });
    expect(child.inputText).toContain('Where is my order?');
    expect(parent.inputText).toBe('{"prompt":"Where is my order?"}');
  });

  it('maps ai.toolCall spans', () => {
    expect(tool).toMatchObject({
      operation: 'execute_tool',
      category: 'tool',
      toolName: 'lookupOrder',
      toolCallId: 'call_abc',
      inputText: '{"orderId":"123"}',
      outputText: '{"status":"shipped"}',
      usageCounted: false,
    });
  });

  it('keeps msToFirstChunk in ms (no unit conversion) on doStream', () => {
    const n = norm({
      name: 'ai.streamText.doStream',
      scope: 'ai',
      attributes: {
        'ai.operationId': 'ai.streamText.doStream',
        'ai.model.provider': 'anthropic.messages',
        'ai.model.id': 'claude-sonnet-4-5',
        'ai.response.msToFirstChunk': 412.5,
        'ai.usage.promptTokens': 10,
        'ai.usage.completionTokens': 5,
      },
    });
    expect(n).toMatchObject({ operation: 'chat', usageCounted: true, provider: 'anthropic', ttftMs: 412.5 });
    expect(n).toMatchObject({ inputTokens: 10, outputTokens: 5 });
  });

  it('falls back to the ai.stream.firstChunk event for TTFT', () => {
    const n = norm({
      name: 'ai.streamText.doStream',
      scope: 'ai',
      attributes: { 'ai.operationId': 'ai.streamText.doStream' },
      events: [makeEvent('ai.stream.firstChunk', {}, 350)],
    });
    expect(n.ttftMs).toBe(350);
  });

  it('classifies by span name for ai-scope spans without ai.operationId', () => {
    expect(norm({ name: 'ai.streamText', scope: 'ai' })).toMatchObject({ operation: 'invoke_agent', usageCounted: false });
    expect(norm({ name: 'ai.streamObject.doStream', scope: 'ai' })).toMatchObject({ operation: 'chat', usageCounted: true });
    expect(norm({ name: 'ai.streamText', scope: 'other' }).operation).toBe('');
  });

  it('counts embeddings once (ai.embed over ai.embed.doEmbed) with ai.usage.tokens as input', () => {
    const attrs = { 'ai.model.id': 'text-embedding-3-small', 'ai.model.provider': 'openai.embedding', 'ai.usage.tokens': 8 };
    const wrapper = norm({ name: 'ai.embed', scope: 'ai', attributes: { ...attrs, 'ai.operationId': 'ai.embed', 'ai.value': '"hello"' } });
    const inner = norm({ name: 'ai.embed.doEmbed', scope: 'ai', attributes: { ...attrs, 'ai.operationId': 'ai.embed.doEmbed' } });
    expect(wrapper).toMatchObject({ operation: 'embeddings', usageCounted: false, inputTokens: 8, provider: 'openai' });
    expect(inner).toMatchObject({ operation: 'embeddings', usageCounted: true, inputTokens: 8, outputTokens: 0 });
    expect(billed([wrapper, inner]).input).toBe(8);
  });

  it('treats doGenerate on a completion provider as text_completion', () => {
    const n = norm({ attributes: { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.provider': 'openai.completion' } });
    expect(n.operation).toBe('text_completion');
  });

  it('makes exclusive cache counts inclusive when input < cache read (older Anthropic usage)', () => {
    const n = norm({
      attributes: {
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.usage.inputTokens': 12,
        'ai.usage.cachedInputTokens': 4000,
        'ai.usage.outputTokens': 50,
      },
    });
    expect(n).toMatchObject({ inputTokens: 4012, cacheReadTokens: 4000, outputTokens: 50 });
  });

  it('does not count an OpenInference-tagged wrapper (openinference-vercel marks both as LLM)', () => {
    const n = norm({
      name: 'ai.generateText',
      scope: 'ai',
      attributes: { 'ai.operationId': 'ai.generateText', 'openinference.span.kind': 'LLM', 'llm.token_count.prompt': 9 },
    });
    expect(n).toMatchObject({ category: 'llm', usageCounted: false });
  });
});

describe('Vercel AI SDK v7 gen_ai spans', () => {
  const usage = {
    'gen_ai.usage.input_tokens': 2400,
    'gen_ai.usage.output_tokens': 310,
    'gen_ai.usage.cache_read.input_tokens': 2000,
    'gen_ai.usage.cache_creation.input_tokens': 0,
  };
  const base = {
    'gen_ai.provider.name': 'anthropic',
    'gen_ai.request.model': 'claude-sonnet-4-5',
    'gen_ai.agent.name': 'support-reply',
  };
  const agent = norm({
    name: 'invoke_agent claude-sonnet-4-5',
    scope: 'ai',
    attributes: { ...base, ...usage, 'gen_ai.operation.name': 'invoke_agent' },
  });
  const chat = norm({
    name: 'chat claude-sonnet-4-5',
    kind: 3,
    scope: 'ai',
    attributes: {
      ...base,
      ...usage,
      'gen_ai.operation.name': 'chat',
      'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
      'gen_ai.client.operation.time_to_first_chunk': 0.8,
    },
  });

  it('counts the chat span and not the invoke_agent span repeating its usage', () => {
    expect(agent).toMatchObject({ operation: 'invoke_agent', usageCounted: false, agentName: 'support-reply' });
    expect(chat).toMatchObject({ operation: 'chat', usageCounted: true, cacheReadTokens: 2000 });
    expect(billed([agent, chat])).toEqual({ input: 2400, output: 310 });
  });

  it('reads TTFT recorded as a span attribute in seconds', () => {
    expect(chat.ttftMs).toBe(800);
  });

  it('does not take the model id in the invoke_agent span name for an agent name', () => {
    const n = norm({ name: 'invoke_agent gpt-4o', attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
    expect(n.agentName).toBe('');
  });
});
