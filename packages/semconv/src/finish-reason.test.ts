import { describe, expect, it } from 'vitest';
import { normalizeFinishReason } from './finish-reason.ts';
import { norm } from './test-span.ts';

const reason = (attributes: Record<string, unknown>, scope?: string) => norm({ attributes: attributes as never, scope }).finishReason;

describe('finish reason', () => {
  it('OTel GenAI: the first of gen_ai.response.finish_reasons (string[])', () => {
    expect(reason({ 'gen_ai.operation.name': 'chat', 'gen_ai.response.finish_reasons': ['length', 'stop'] })).toBe('length');
    expect(reason({ 'gen_ai.response.finish_reasons': ['', 'tool_calls'] })).toBe('tool_calls');
  });

  it('OTel GenAI as a JSON string (Mastra) and the deprecated output-message field', () => {
    expect(reason({ 'gen_ai.response.finish_reasons': '["stop"]' })).toBe('stop');
    expect(reason({ 'gen_ai.output.messages': '[{"role":"assistant","parts":[],"finish_reason":"tool_call"}]' })).toBe('tool_calls');
    expect(reason({ 'gen_ai.output.messages': [{ role: 'assistant', parts: [], finish_reason: 'length' }] })).toBe('length');
  });

  it('OpenInference: llm.finish_reason', () => {
    expect(reason({ 'openinference.span.kind': 'LLM', 'llm.finish_reason': 'STOP' })).toBe('stop');
  });

  it('OpenLLMetry: gen_ai.completion.0.finish_reason, llm.response.finish_reason, gen_ai.response.finish_reason', () => {
    expect(reason({ 'llm.request.type': 'chat', 'gen_ai.completion.0.finish_reason': 'tool_calls', 'gen_ai.completion.0.role': 'assistant' })).toBe('tool_calls');
    expect(reason({ 'llm.response.finish_reason': 'max_tokens' })).toBe('length');
    expect(reason({ 'gen_ai.response.finish_reason': 'end_turn' })).toBe('stop');
  });

  it('Vercel AI SDK: ai.response.finishReason (kebab-case values)', () => {
    expect(reason({ 'ai.operationId': 'ai.generateText.doGenerate', 'ai.response.finishReason': 'tool-calls' }, 'ai')).toBe('tool_calls');
    expect(reason({ 'ai.response.finishReason': 'content-filter' }, 'ai')).toBe('content_filter');
    expect(reason({ 'ai.response.finishReason': 'error' }, 'ai')).toBe('error');
  });

  it('prefers the current OTel key over older ones', () => {
    expect(reason({ 'gen_ai.response.finish_reasons': ['stop'], 'llm.response.finish_reason': 'length' })).toBe('stop');
  });

  it("maps provider spellings onto the canonical set; unknown values are 'other', absent is ''", () => {
    expect(normalizeFinishReason('SAFETY')).toBe('content_filter');
    expect(normalizeFinishReason('refusal')).toBe('content_filter');
    expect(normalizeFinishReason('tool_use')).toBe('tool_calls');
    expect(normalizeFinishReason('MAX_TOKENS')).toBe('length');
    expect(normalizeFinishReason('pause_turn')).toBe('other');
    expect(normalizeFinishReason('')).toBe('');
    expect(reason({ 'gen_ai.operation.name': 'chat' })).toBe('');
  });
});
