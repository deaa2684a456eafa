import { describe, expect, it } from 'vitest';
import { norm } from './test-span.ts';

describe('precedence between conventions on one span', () => {
  it.each([
    [{ 'gen_ai.operation.name': 'execute_tool', 'openinference.span.kind': 'LLM' }, 'execute_tool'],
    [{ 'openinference.span.kind': 'AGENT', 'traceloop.span.kind': 'tool' }, 'invoke_agent'],
    [{ 'llm.request.type': 'embedding', 'ai.operationId': 'ai.generateText.doGenerate' }, 'embeddings'],
    [{ 'ai.operationId': 'ai.toolCall', 'langfuse.observation.type': 'generation' }, 'execute_tool'],
    [{ 'langfuse.observation.type': 'retriever', 'mastra.span.type': 'agent_run' }, 'retrieval'],
  ])('%o → %s', (attributes, operation) => {
    expect(norm({ attributes }).operation).toBe(operation);
  });

  it('uses OTel tokens over OpenInference over Vercel for the same bucket', () => {
    const n = norm({
      attributes: {
        'llm.token_count.prompt': 2,
        'ai.usage.inputTokens': 3,
        'gen_ai.usage.input_tokens': 1,
      },
    });
    expect(n.inputTokens).toBe(1);
    expect(norm({ attributes: { 'llm.token_count.prompt': 2, 'ai.usage.inputTokens': 3 } }).inputTokens).toBe(2);
  });

  it('uses an OTel provider over OpenInference and Vercel provider attributes', () => {
    expect(norm({ attributes: { 'ai.model.provider': 'anthropic.messages', 'llm.system': 'openai' } }).provider).toBe(
      'openai',
    );
    expect(norm({ attributes: { 'ai.model.provider': 'anthropic.messages', 'gen_ai.system': 'groq' } }).provider).toBe(
      'groq',
    );
  });

  it('falls back to presence rules: tool ids make a tool, a model makes a model call', () => {
    expect(norm({ attributes: { 'gen_ai.tool.name': 'x' } })).toMatchObject({ category: 'tool', operation: 'execute_tool' });
    expect(norm({ attributes: { 'gen_ai.request.model': 'm' } })).toMatchObject({ category: 'llm', usageCounted: true });
    expect(norm({ attributes: { foo: 'bar' } })).toMatchObject({ category: 'other', operation: '', usageCounted: false });
  });
});
