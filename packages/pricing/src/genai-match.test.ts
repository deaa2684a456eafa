import { describe, expect, it } from 'vitest';
import { dashDateSuffixes, genaiProvider, resolveBundledModel } from './genai-match.ts';

function resolved(provider: string, model: string): string | undefined {
  const m = resolveBundledModel(provider, model);
  return m && `${m.provider.id}/${m.model.id}`;
}

describe('provider mapping', () => {
  it.each([
    ['openai', 'openai'],
    ['anthropic', 'anthropic'],
    ['aws.bedrock', 'aws'],
    ['gcp.vertex_ai', 'google'],
    ['gcp.gemini', 'google'],
    ['azure.ai.openai', 'azure'],
    ['azure.ai.inference', 'azure'],
    ['mistral_ai', 'mistral'],
    ['x_ai', 'x-ai'],
    ['moonshot_ai', 'moonshotai'],
    ['gcp.gen_ai', 'google'],
    ['deepseek', 'deepseek'],
    ['OpenAI', 'openai'],
    ['openai.responses', 'openai'],
    ['anthropic.messages', 'anthropic'],
  ])('%s → %s', (ours, theirs) => {
    expect(genaiProvider(ours)?.id).toBe(theirs);
  });

  it.each(['', 'ollama', 'vllm', 'my-gateway'])('%j is not a genai-prices provider', (name) => {
    expect(genaiProvider(name)).toBeUndefined();
  });
});

describe('model matching', () => {
  it.each([
    ['openai', 'gpt-4o', 'openai/gpt-4o'],
    ['openai', 'GPT-4o-2024-08-06', 'openai/gpt-4o'],
    ['openai', 'openai/gpt-4o', 'openai/gpt-4o'],
    ['', 'gpt-4o-mini', 'openai/gpt-4o-mini'],
    ['', 'openai/gpt-4o', 'openai/gpt-4o'],
    ['', 'claude-3-5-sonnet-20241022', 'anthropic/claude-3-5-sonnet'],
    ['anthropic', 'claude-sonnet-4-20250514', 'anthropic/claude-sonnet-4-0'],
    // Bedrock ids, with and without a cross-region prefix
    ['aws.bedrock', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'aws/regional.anthropic.claude-3-5-sonnet-20240620-v1:0'],
    ['aws.bedrock', 'us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'aws/regional.anthropic.claude-3-7-sonnet-20250219-v1:0'],
    ['aws.bedrock', 'amazon.nova-pro-v1:0', 'aws/amazon.nova-pro-v1:0'],
    // Vertex AI / Gemini API ids
    ['gcp.vertex_ai', 'gemini-1.5-pro-002', 'google/gemini-1.5-pro'],
    ['gcp.vertex_ai', 'claude-3-5-sonnet-v2@20241022', 'google/claude-3-5-sonnet'],
    ['gcp.gemini', 'models/gemini-2.0-flash', 'google/gemini-2.0-flash'],
    ['gcp.vertex_ai', 'publishers/google/models/gemini-2.5-pro', 'google/gemini-2.5-pro'],
    // Azure OpenAI falls back to OpenAI's price rows
    ['azure.ai.openai', 'gpt-4o-2024-11-20', 'openai/gpt-4o'],
    ['azure.ai.openai', 'azure/gpt-4o-mini', 'openai/gpt-4o-mini'],
    ['azure.ai.openai', 'text-embedding-3-small', 'azure/text-embedding-3-small'],
    ['openrouter', 'anthropic/claude-3.5-sonnet', 'openrouter/anthropic/claude-3.5-sonnet'],
  ])('(%j, %s) → %s', (provider, model, expected) => {
    expect(resolved(provider, model)).toBe(expected);
  });

  it.each([
    ['openai', 'totally-unknown'],
    ['azure.ai.openai', 'my-prod-deployment'],
    ['ollama', 'llama3'], // self-hosted: never priced at a vendor's list price
    ['vllm', 'gpt-4o'],
    ['', 'llama3'],
    ['openai', ''],
  ])('(%j, %j) → unpriced', (provider, model) => {
    expect(resolved(provider, model)).toBeUndefined();
  });

  it('retries compact date suffixes in dashed form, valid dates only', () => {
    expect(dashDateSuffixes('model-20240620')).toBe('model-2024-06-20');
    expect(dashDateSuffixes('model-20240620-v1:0')).toBe('model-2024-06-20-v1:0');
    expect(dashDateSuffixes('model-20240231')).toBe('model-20240231');
    expect(dashDateSuffixes('model-2024062')).toBe('model-2024062');
  });
});
