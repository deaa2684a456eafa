import type { AttrValue } from '@plumb/otlp';
import { asCount, asNumber, orZero } from './values.ts';

/** Token buckets in OTel semantics: input ⊇ cache read + cache write, output ⊇ reasoning. */
export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

/** Raw per-bucket counts as found on the span; NaN = not reported. */
export interface RawUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
  total: number;
}

export function hasAnyTokens(r: RawUsage): boolean {
  return (
    r.input === r.input ||
    r.output === r.output ||
    r.cacheRead === r.cacheRead ||
    r.cacheWrite === r.cacheWrite ||
    r.reasoning === r.reasoning ||
    r.total === r.total
  );
}

/**
 * Inclusive totals from attribute counts that should already be inclusive.
 *
 * - Only a total reported (embeddings: `ai.usage.tokens`, `llm.usage.total_tokens`): the missing
 *   side is total minus the other side.
 * - Guard: inclusive data always has input ≥ cache read + cache write and output ≥ reasoning.
 *   When a sender visibly violates that it reported exclusive buckets (e.g. older Vercel
 *   Anthropic usage), so the buckets are added back. Consistent data is never changed.
 */
export function inclusiveUsage(r: RawUsage): Usage {
  const cacheRead = orZero(r.cacheRead);
  const cacheWrite = orZero(r.cacheWrite);
  const reasoning = orZero(r.reasoning);
  let input = r.input;
  let output = r.output;
  if (r.total === r.total) {
    if (input !== input) input = Math.max(0, r.total - orZero(output));
    else if (output !== output) output = Math.max(0, r.total - input);
  }
  input = orZero(input);
  output = orZero(output);
  if (input < cacheRead + cacheWrite) input += cacheRead + cacheWrite;
  if (output < reasoning) output += reasoning;
  return { input, output, cacheRead, cacheWrite, reasoning };
}

const LANGFUSE_INPUT = new Set(['input', 'input_tokens', 'prompt_tokens', 'prompt']);
const LANGFUSE_OUTPUT = new Set(['output', 'output_tokens', 'completion_tokens', 'completion']);
const LANGFUSE_TOTAL = new Set(['total', 'total_tokens']);

/**
 * Langfuse `usage_details` holds *exclusive* buckets (`input` excludes `input_cached_tokens`,
 * `input_cache_creation`, `cache_read_input_tokens`…; `output` excludes
 * `output_reasoning_tokens`). Every input-side bucket is added to input and every output-side
 * bucket to output, giving OTel's inclusive totals.
 */
export function langfuseUsage(details: Record<string, unknown>): Usage {
  let input = 0;
  let output = 0;
  let total = NaN;
  let sawInput = false;
  let sawOutput = false;
  let cacheRead = 0;
  let cacheWrite = 0;
  let reasoning = 0;
  for (const key of Object.keys(details)) {
    const n = asCount(details[key] as AttrValue);
    if (n !== n) continue;
    const k = key.toLowerCase();
    if (LANGFUSE_INPUT.has(k)) {
      input += n;
      sawInput = true;
    } else if (LANGFUSE_OUTPUT.has(k)) {
      output += n;
      sawOutput = true;
    } else if (LANGFUSE_TOTAL.has(k)) {
      total = n;
    } else if (k.includes('cache_read') || k.includes('cached')) {
      cacheRead += n;
      input += n;
    } else if (k.includes('cache_creation') || k.includes('cache_write')) {
      cacheWrite += n;
      input += n;
    } else if (k.includes('reasoning')) {
      reasoning += n;
      output += n;
    } else if (k.startsWith('input')) {
      input += n;
    } else if (k.startsWith('output')) {
      output += n;
    }
  }
  if (total === total) {
    if (!sawInput && !sawOutput && input === 0) input = total - output;
    else if (!sawOutput && output === 0) output = Math.max(0, total - input);
  }
  return { input: Math.max(0, input), output, cacheRead, cacheWrite, reasoning };
}

/** Non-negative USD amount or NaN. */
export function asUsd(v: unknown): number {
  const n = asNumber(v as AttrValue);
  return n === n && n >= 0 ? n : NaN;
}

/** Langfuse `cost_details`: `total` when given, else the sum of the buckets. */
export function langfuseCost(details: Record<string, unknown>): number {
  const total = asUsd(details['total']);
  if (total === total) return total;
  let sum = NaN;
  for (const key of Object.keys(details)) {
    const n = asUsd(details[key]);
    if (n === n) sum = orZero(sum) + n;
  }
  return sum;
}
