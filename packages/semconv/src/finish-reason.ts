import type { AttrValue } from '@plumb/otlp';
import { asString } from './values.ts';

/**
 * Why a model call stopped, normalized across conventions and providers to a small closed set:
 *
 * - `stop`: a natural end or a stop sequence (OpenAI `stop`, Anthropic `end_turn` /
 *   `stop_sequence`, Gemini `STOP`, Cohere `COMPLETE`, Bedrock `end_turn`);
 * - `length`: a token limit (`length`, `max_tokens`, `MAX_TOKENS`, `model_context_window_exceeded`);
 * - `tool_calls`: the model asked for tools (`tool_calls`, `function_call`, `tool_use`, Vercel `tool-calls`);
 * - `content_filter`: a safety filter or refusal (`content_filter`, Gemini `SAFETY` / `RECITATION` /
 *   `BLOCKLIST` / `PROHIBITED_CONTENT` / `SPII`, Anthropic `refusal`, Bedrock `guardrail_intervened`);
 * - `error`: the call failed (Vercel `error`, Gemini `MALFORMED_FUNCTION_CALL`);
 * - `other`: any other reported value (`unknown`, `pause_turn`, vendor-specific codes);
 * - `''`: nothing reported.
 *
 * Matching is case-insensitive and treats `-` as `_`.
 */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error' | 'other' | '';

export const FINISH_REASONS: readonly Exclude<FinishReason, ''>[] = ['stop', 'length', 'tool_calls', 'content_filter', 'error', 'other'];

const CANONICAL: Readonly<Record<string, FinishReason>> = {
  stop: 'stop', end_turn: 'stop', stop_sequence: 'stop', complete: 'stop', eos: 'stop', end: 'stop', finished: 'stop',
  length: 'length', max_tokens: 'length', max_output_tokens: 'length', model_length: 'length', token_limit: 'length',
  model_context_window_exceeded: 'length',
  tool_calls: 'tool_calls', tool_call: 'tool_calls', function_call: 'tool_calls', tool_use: 'tool_calls',
  content_filter: 'content_filter', content_filtered: 'content_filter', safety: 'content_filter', recitation: 'content_filter',
  blocklist: 'content_filter', prohibited_content: 'content_filter', spii: 'content_filter', image_safety: 'content_filter',
  refusal: 'content_filter', guardrail_intervened: 'content_filter', error_toxic: 'content_filter',
  error: 'error', malformed_function_call: 'error',
};

/** One reported value (any convention's spelling) → the canonical reason; '' for an empty one. */
export function normalizeFinishReason(raw: string): FinishReason {
  const key = raw.trim().toLowerCase().replaceAll('-', '_');
  if (key === '') return '';
  return CANONICAL[key] ?? 'other';
}

/**
 * The first reason of an attribute value: a string, a string array (OTel
 * `gen_ai.response.finish_reasons`), or an array sent as a JSON string (Mastra, some SDKs).
 */
export function firstFinishReason(v: AttrValue | undefined): string {
  if (Array.isArray(v)) return firstOf(v);
  const s = asString(v);
  if (s.charCodeAt(0) !== 91 /* [ */) return s;
  try {
    const parsed: unknown = JSON.parse(s);
    return Array.isArray(parsed) ? firstOf(parsed) : s;
  } catch {
    return s;
  }
}

function firstOf(arr: readonly unknown[]): string {
  for (const x of arr) if (typeof x === 'string' && x !== '') return x;
  return '';
}

/** `finish_reason` of the first output message (the deprecated place in OTel GenAI v1.37). */
export function outputMessagesFinishReason(v: unknown): string {
  let msgs = v;
  if (typeof v === 'string') {
    if (!v.includes('finish_reason')) return '';
    try {
      msgs = JSON.parse(v);
    } catch {
      return '';
    }
  }
  if (!Array.isArray(msgs)) return '';
  for (const m of msgs) {
    const r = (m as { finish_reason?: unknown } | null)?.finish_reason;
    if (typeof r === 'string' && r !== '') return r;
  }
  return '';
}
