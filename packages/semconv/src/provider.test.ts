import { describe, expect, it } from 'vitest';
import { normalizeProvider, openInferenceProvider } from './provider.ts';

describe('normalizeProvider', () => {
  it.each([
    // current OTel values pass through
    ['openai', 'openai'],
    ['aws.bedrock', 'aws.bedrock'],
    ['azure.ai.openai', 'azure.ai.openai'],
    ['azure.ai.inference', 'azure.ai.inference'],
    ['gcp.vertex_ai', 'gcp.vertex_ai'],
    ['gcp.gemini', 'gcp.gemini'],
    ['gcp.gen_ai', 'gcp.gen_ai'],
    ['ibm.watsonx.ai', 'ibm.watsonx.ai'],
    ['x_ai', 'x_ai'],
    ['mistral_ai', 'mistral_ai'],
    ['moonshot_ai', 'moonshot_ai'],
    // deprecated gen_ai.system values
    ['vertex_ai', 'gcp.vertex_ai'],
    ['gemini', 'gcp.gemini'],
    ['az.ai.openai', 'azure.ai.openai'],
    ['az.ai.inference', 'azure.ai.inference'],
    ['xai', 'x_ai'],
    // OpenLLMetry casing
    ['OpenAI', 'openai'],
    ['Anthropic', 'anthropic'],
    ['MistralAI', 'mistral_ai'],
    ['  Groq ', 'groq'],
    // OpenInference llm.system
    ['vertexai', 'gcp.vertex_ai'],
    ['mistralai', 'mistral_ai'],
    // Vercel provider ids
    ['openai.chat', 'openai'],
    ['openai.responses', 'openai'],
    ['openai.embedding', 'openai'],
    ['anthropic.messages', 'anthropic'],
    ['amazon-bedrock', 'aws.bedrock'],
    ['google.generative-ai', 'gcp.gemini'],
    ['google.vertex.chat', 'gcp.vertex_ai'],
    ['vertex.anthropic.messages', 'gcp.vertex_ai'],
    ['azure-openai.chat', 'azure.ai.openai'],
    ['azure.responses', 'azure.ai.openai'],
    ['mistral.chat', 'mistral_ai'],
    ['xai.chat', 'x_ai'],
    ['deepseek.chat', 'deepseek'],
    // unknown providers: lower-cased, API suffix dropped
    ['ollama.chat', 'ollama'],
    ['Together', 'together'],
    ['my.custom.gateway', 'my.custom.gateway'],
    ['', ''],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeProvider(raw)).toBe(expected);
  });

  it('is stable under repeated (memoized) calls', () => {
    for (let i = 0; i < 3; i++) expect(normalizeProvider('openai.chat')).toBe('openai');
  });
});

describe('openInferenceProvider', () => {
  it('lets a cloud host win over the model vendor', () => {
    expect(openInferenceProvider('openai', 'azure')).toBe('azure.ai.openai');
    expect(openInferenceProvider('mistralai', 'azure')).toBe('azure.ai.inference');
    expect(openInferenceProvider('anthropic', 'aws')).toBe('aws.bedrock');
    expect(openInferenceProvider('anthropic', 'anthropic')).toBe('anthropic');
    expect(openInferenceProvider('openai', '')).toBe('openai');
    expect(openInferenceProvider('', 'openai')).toBe('openai');
  });
});
