import { describe, expect, it } from 'vitest';
import { norm } from './test-span.ts';

describe('Mastra (@mastra/otel-exporter)', () => {
  it('maps a model generation with its non-standard usage keys', () => {
    const n = norm({
      name: 'chat gpt-4o',
      attributes: {
        'mastra.span.type': 'model_generation',
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.agent.name': 'weather-agent',
        'gen_ai.agent.id': 'weatherAgent',
        'gen_ai.conversation.id': 'thread-1',
        'gen_ai.usage.input_tokens': 900,
        'gen_ai.usage.output_tokens': 120,
        'gen_ai.usage.cached_input_tokens': 600,
        'gen_ai.usage.cache_write_tokens': 50,
        'gen_ai.usage.reasoning_tokens': 30,
        'gen_ai.response.finish_reasons': '["stop"]',
      },
    });
    expect(n).toMatchObject({
      operation: 'chat',
      usageCounted: true,
      agentName: 'weather-agent',
      agentId: 'weatherAgent',
      sessionId: 'thread-1',
      cacheReadTokens: 600,
      cacheWriteTokens: 50,
      reasoningTokens: 30,
    });
  });

  it.each([
    ['MODEL_GENERATION', 'chat', 'llm'],
    ['tool_call', 'execute_tool', 'tool'],
    ['mcp_tool_call', 'execute_tool', 'tool'],
    ['agent_run', 'invoke_agent', 'agent'],
    ['workflow_run', 'workflow', 'chain'],
  ])('mastra.span.type %s → %s / %s when no gen_ai.operation.name', (type, operation, category) => {
    expect(norm({ attributes: { 'mastra.span.type': type } })).toMatchObject({ operation, category });
  });

  it('takes tool and workflow names from `{op} {id}` span names', () => {
    expect(norm({ name: 'execute_tool get-weather', attributes: { 'mastra.span.type': 'tool_call' } }).toolName).toBe(
      'get-weather',
    );
    expect(
      norm({ name: 'invoke_workflow nightly-report', attributes: { 'mastra.span.type': 'workflow_run' } }).workflowName,
    ).toBe('nightly-report');
  });
});

describe('OpenAI Agents SDK through OpenInference', () => {
  it('maps agent, generation, function and guardrail spans', () => {
    const agent = norm({ name: 'Triage Agent', attributes: { 'openinference.span.kind': 'AGENT' } });
    const response = norm({
      name: 'response',
      attributes: {
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'gpt-4.1',
        'llm.system': 'openai',
        'llm.token_count.prompt': 300,
        'llm.token_count.completion': 40,
      },
    });
    const fn = norm({ name: 'get_weather', attributes: { 'openinference.span.kind': 'TOOL' } });
    const handoff = norm({ name: 'handoff to Billing Agent', attributes: { 'openinference.span.kind': 'TOOL' } });
    const guard = norm({ name: 'no_pii', attributes: { 'openinference.span.kind': 'GUARDRAIL' } });

    expect(agent).toMatchObject({ operation: 'invoke_agent', agentName: 'Triage Agent', usageCounted: false });
    expect(response).toMatchObject({ operation: 'chat', provider: 'openai', inputTokens: 300, usageCounted: true });
    expect(fn).toMatchObject({ operation: 'execute_tool', toolName: 'get_weather' });
    expect(handoff).toMatchObject({ category: 'tool', toolName: 'handoff to Billing Agent' });
    expect(guard).toMatchObject({ operation: 'guardrail', category: 'other' });
  });
});
