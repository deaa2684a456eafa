import { describe, expect, it } from 'vitest';
import { norm } from './test-span.ts';

describe('OpenInference', () => {
  const llm = norm({
    name: 'ChatOpenAI',
    scope: 'openinference.instrumentation.langchain',
    attributes: {
      'openinference.span.kind': 'LLM',
      'llm.system': 'openai',
      'llm.provider': 'openai',
      'llm.model_name': 'gpt-4o-mini-2024-07-18',
      'llm.token_count.prompt': 812,
      'llm.token_count.completion': 64,
      'llm.token_count.total': 876,
      'llm.token_count.prompt_details.cache_read': 512,
      'llm.token_count.completion_details.reasoning': 0,
      'llm.invocation_parameters': '{"temperature":0}',
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.0.message.content': 'be brief',
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.content': 'hi',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': 'hello',
      'session.id': 'sess-9',
      'user.id': 'user-3',
      'llm.cost.total': 0.00042,
      metadata: '{"tenant_id":"acme","request_type":"support"}',
    },
  });

  it('maps the LLM kind, model, provider and tokens', () => {
    expect(llm).toMatchObject({
      operation: 'chat',
      category: 'llm',
      usageCounted: true,
      provider: 'openai',
      requestModel: 'gpt-4o-mini-2024-07-18',
      inputTokens: 812,
      outputTokens: 64,
      cacheReadTokens: 512,
      reasoningTokens: 0,
      sessionId: 'sess-9',
      userId: 'user-3',
      reportedCostUsd: 0.00042,
    });
  });

  it('reads tenant and request type from the metadata JSON string', () => {
    expect(llm.tenant).toBe('acme');
    expect(llm.requestType).toBe('support');
  });

  it('reassembles flattened input/output messages in index order', () => {
    expect(JSON.parse(llm.inputText)).toEqual([
      { message: { role: 'system', content: 'be brief' } },
      { message: { role: 'user', content: 'hi' } },
    ]);
    expect(JSON.parse(llm.outputText)).toEqual([{ message: { role: 'assistant', content: 'hello' } }]);
  });

  it('prefers input.value / output.value over flattened messages', () => {
    const n = norm({
      attributes: {
        'openinference.span.kind': 'CHAIN',
        'input.value': 'question?',
        'input.mime_type': 'text/plain',
        'output.value': '{"answer":42}',
        'llm.input_messages.0.message.content': 'ignored',
      },
    });
    expect(n).toMatchObject({ inputText: 'question?', outputText: '{"answer":42}', category: 'chain', operation: '' });
  });

  it.each([
    ['LLM', 'chat', 'llm', true],
    ['EMBEDDING', 'embeddings', 'llm', true],
    ['CHAIN', '', 'chain', false],
    ['RETRIEVER', 'retrieval', 'retrieval', false],
    ['RERANKER', 'rerank', 'retrieval', true],
    ['TOOL', 'execute_tool', 'tool', false],
    ['AGENT', 'invoke_agent', 'agent', false],
    ['GUARDRAIL', 'guardrail', 'other', false],
    ['EVALUATOR', 'evaluator', 'other', false],
    ['PROMPT', '', 'chain', false],
    ['llm', 'chat', 'llm', true],
  ])('span kind %s → %s / %s (counted %s)', (kind, operation, category, counted) => {
    expect(norm({ attributes: { 'openinference.span.kind': kind } })).toMatchObject({
      operation,
      category,
      usageCounted: counted,
    });
  });

  it('maps tool and agent spans, falling back to the span name', () => {
    expect(norm({ name: 'lookup_order', attributes: { 'openinference.span.kind': 'TOOL' } }).toolName).toBe(
      'lookup_order',
    );
    const tool = norm({
      name: 'tool',
      attributes: { 'openinference.span.kind': 'TOOL', 'tool.name': 'search', 'tool_call.id': 'tc_1' },
    });
    expect(tool).toMatchObject({ toolName: 'search', toolCallId: 'tc_1' });
    const agent = norm({ name: 'Planner', attributes: { 'openinference.span.kind': 'AGENT' } });
    expect(agent.agentName).toBe('Planner');
    expect(norm({ attributes: { 'openinference.span.kind': 'AGENT', 'agent.name': 'x' } }).agentName).toBe('x');
  });

  it('combines llm.provider (host) and llm.system (model vendor)', () => {
    const provider = (system: string, host: string) =>
      norm({ attributes: { 'llm.system': system, 'llm.provider': host } }).provider;
    expect(provider('openai', 'azure')).toBe('azure.ai.openai');
    expect(provider('anthropic', 'aws')).toBe('aws.bedrock');
    expect(provider('vertexai', 'google')).toBe('gcp.vertex_ai');
    expect(provider('mistralai', 'mistralai')).toBe('mistral_ai');
    expect(provider('', 'google')).toBe('gcp.gen_ai');
  });

  it('reads the embedding model and the prompt+completion cost sum', () => {
    const n = norm({
      attributes: {
        'openinference.span.kind': 'EMBEDDING',
        'embedding.model_name': 'text-embedding-3-small',
        'llm.token_count.total': 33,
        'llm.cost.prompt': 0.25,
        'llm.cost.completion': 0.5,
      },
    });
    expect(n).toMatchObject({ requestModel: 'text-embedding-3-small', inputTokens: 33, outputTokens: 0, reportedCostUsd: 0.75 });
  });

  it('prefers the OTel model and provider when both conventions are present', () => {
    const n = norm({
      attributes: {
        'openinference.span.kind': 'LLM',
        'gen_ai.request.model': 'claude-sonnet-4',
        'llm.model_name': 'other',
        'gen_ai.provider.name': 'anthropic',
        'llm.system': 'openai',
      },
    });
    expect(n).toMatchObject({ requestModel: 'claude-sonnet-4', provider: 'anthropic' });
  });

  it('ignores metadata that is not a JSON object', () => {
    expect(norm({ attributes: { metadata: 'not json' } }).tenant).toBe('');
    expect(norm({ attributes: { metadata: '{broken' } }).tenant).toBe('');
    expect(norm({ attributes: { metadata: { customer_id: 'c-1' } } }).tenant).toBe('c-1');
  });
});
