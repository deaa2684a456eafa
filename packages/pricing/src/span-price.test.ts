import { describe, expect, it } from 'vitest';
import { PriceCatalog, type TokenUsage } from './index.ts';

/** Issue 9: a span whose response model is a version the catalog does not know must be priced
 *  by its request model; the price id says which of the two matched. */
const T = Date.parse('2026-09-01T20:00:00Z');
const u: TokenUsage = { inputTokens: 1000, outputTokens: 500, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

describe('PriceCatalog.costForSpan: response model first, then request model', () => {
  const catalog = new PriceCatalog();

  it('prices an unknown response version (gpt-4o-2025) by its priced request model (gpt-4o)', () => {
    const r = catalog.costForSpan('openai', 'gpt-4o-2025', 'gpt-4o', T, u);
    expect(r.priced).toBe(true);
    expect(r.matchedBy).toBe('request');
    expect(r.priceId).toBe('genai-prices:openai/gpt-4o@request-model');
    expect(r.costPico).toBe(7_500_000_000n); // 1000 × 2.5e6 + 500 × 10e6
  });

  it('a known response model wins over the request model', () => {
    const r = catalog.costForSpan('openai', 'gpt-4o-mini', 'gpt-4o', T, u);
    expect(r.matchedBy).toBe('response');
    expect(r.priceId).toBe('genai-prices:openai/gpt-4o-mini');
  });

  it('no response model: the request model matches as the response would', () => {
    const r = catalog.costForSpan('openai', '', 'gpt-4o', T, u);
    expect(r.matchedBy).toBe('response');
    expect(r.priceId).toBe('genai-prices:openai/gpt-4o');
  });

  it('neither known: unpriced, never $0', () => {
    const r = catalog.costForSpan('openai', 'mystery-2', 'mystery', T, u);
    expect(r.priced).toBe(false);
    expect(r.matchedBy).toBe('none');
    expect(r.priceId).toBe('');
  });

  it('an override on the request model applies when the response model matches nothing', () => {
    const c = new PriceCatalog([{ id: 'p1', provider: '', modelPattern: 'house-llm', effectiveFrom: 0, inputPerMTok: '1', outputPerMTok: '2' }]);
    const r = c.costForSpan('vllm', 'house-llm-v7', 'house-llm', T, u);
    expect(r.priceId).toBe('override:p1@request-model');
    expect(r.costPico).toBe(2_000_000_000n);
  });

  it('splitPriceId reads the matched side back', () => {
    expect(PriceCatalog.splitPriceId('genai-prices:openai/gpt-4o@request-model')).toEqual({ priceId: 'genai-prices:openai/gpt-4o', matchedBy: 'request' });
    expect(PriceCatalog.splitPriceId('genai-prices:openai/gpt-5.6-luna@2026-07-30')).toEqual({ priceId: 'genai-prices:openai/gpt-5.6-luna@2026-07-30', matchedBy: 'response' });
    expect(PriceCatalog.splitPriceId('')).toEqual({ priceId: '', matchedBy: 'none' });
  });
});

describe('PriceCatalog.priceSegments', () => {
  const DAY = 86_400_000;
  it('splits at an override start and end, and agrees with costForSpan inside each segment', () => {
    const from = Date.parse('2026-09-01T00:00:00Z');
    const c = new PriceCatalog([{ id: 'o', provider: '', modelPattern: 'gpt-4o', effectiveFrom: from + 3_600_000, effectiveTo: from + 7_200_000, inputPerMTok: '1', outputPerMTok: '1' }]);
    expect(c.priceSegments('openai', 'gpt-4o-2025', 'gpt-4o', from, from + DAY)).toEqual([
      { fromMs: from, toMs: from + 3_600_000, priceId: 'genai-prices:openai/gpt-4o@request-model' },
      { fromMs: from + 3_600_000, toMs: from + 7_200_000, priceId: 'override:o@request-model' },
      { fromMs: from + 7_200_000, toMs: from + DAY, priceId: 'genai-prices:openai/gpt-4o@request-model' },
    ]);
  });

  it('time-of-day prices (deepseek-chat) split at the window edges every day', () => {
    const from = Date.parse('2026-09-01T00:00:00Z');
    const c = new PriceCatalog();
    const segs = c.priceSegments('deepseek', 'deepseek-chat', '', from, from + 2 * DAY);
    expect(segs.length).toBe(5);
    for (const s of segs) for (const t of [s.fromMs, s.toMs - 1]) expect(c.costForSpan('deepseek', 'deepseek-chat', '', t, u).priceId).toBe(s.priceId);
  });
});
