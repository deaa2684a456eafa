import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { PriceCatalog, type TokenUsage } from './index.ts';

/**
 * Exact costs from the bundled @pydantic/genai-prices 0.1.8 data. Per-MTok prices used here,
 * as read from that data (USD per 1M tokens):
 *   openai/gpt-4o                 input 2.5,  cache read 1.25,  output 10
 *   openai/gpt-4o-mini            input 0.15, cache read 0.075, output 0.6
 *   openai/o3-mini                input 1.1,  cache read 0.55,  output 4.4
 *   openai/text-embedding-3-small input 0.02 (no output price)
 *   anthropic/claude-sonnet-4-0   input 3, cache read 0.3, cache write 3.75, output 15
 *   anthropic/claude-sonnet-4-5   tiered above 200k input tokens: input 3→6, cache read
 *                                 0.3→0.6, cache write 3.75→7.5, output 15→22.5
 *   google/gemini-2.5-flash       input 0.3, cache read 0.03, output 2.5
 *   google/gemini-1.5-pro         tiered above 128k: input 1.25→2.5, output 5→10
 *   perplexity/sonar-deep-research input 2, output 8, reasoning 3
 *   openai/gpt-5.6-luna           input 1 / output 6, then from 2026-07-30 input 0.2 / output 1.2
 *   deepseek/deepseek-chat        input 0.135 / output 0.55, but 0.27 / 1.1 between
 *                                 00:30 and 16:30 UTC
 * 1 USD/MTok = 1,000,000 picodollars per token.
 */

const T = Date.parse('2026-09-01T20:00:00Z');

function usage(u: Partial<TokenUsage>): TokenUsage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, ...u };
}

describe('PriceCatalog.cost with bundled prices', () => {
  const catalog = new PriceCatalog();

  it('gpt-4o: uncached input, cache read and output are leaf buckets', () => {
    const r = catalog.cost('openai', 'gpt-4o', T, usage({ inputTokens: 1000, cacheReadTokens: 200, outputTokens: 500 }));
    expect(r).toEqual({
      priced: true,
      unit: 'token',
      priceId: 'genai-prices:openai/gpt-4o',
      costPico: 7_250_000_000n, // 800*2.5e6 + 200*1.25e6 + 500*10e6
      costUsd: '0.007250000000',
      breakdown: { input: 2_000_000_000n, cacheRead: 250_000_000n, cacheWrite: 0n, output: 5_000_000_000n, reasoning: 0n },
    });
  });

  it('gpt-4o-mini (dated snapshot id)', () => {
    const r = catalog.cost(
      'openai',
      'gpt-4o-mini-2024-07-18',
      T,
      usage({ inputTokens: 10_000, cacheReadTokens: 4000, outputTokens: 1000 }),
    );
    expect(r.priceId).toBe('genai-prices:openai/gpt-4o-mini');
    expect(r.costPico).toBe(6000n * 150_000n + 4000n * 75_000n + 1000n * 600_000n);
    expect(r.costUsd).toBe('0.001800000000');
  });

  it('claude sonnet 4 with cache read and cache write (not charged twice)', () => {
    const r = catalog.cost(
      'anthropic',
      'claude-sonnet-4-20250514',
      T,
      usage({ inputTokens: 10_000, cacheReadTokens: 6000, cacheWriteTokens: 3000, outputTokens: 800 }),
    );
    expect(r.priceId).toBe('genai-prices:anthropic/claude-sonnet-4-0');
    expect(r.breakdown).toEqual({
      input: 1000n * 3_000_000n,
      cacheRead: 6000n * 300_000n,
      cacheWrite: 3000n * 3_750_000n,
      output: 800n * 15_000_000n,
      reasoning: 0n,
    });
    expect(r.costUsd).toBe('0.028050000000');
  });

  it('gemini 2.5 flash on Vertex AI, thinking tokens billed at the output price', () => {
    const r = catalog.cost(
      'gcp.vertex_ai',
      'gemini-2.5-flash',
      T,
      usage({ inputTokens: 2000, cacheReadTokens: 1000, outputTokens: 300, reasoningTokens: 200 }),
    );
    expect(r.priceId).toBe('genai-prices:google/gemini-2.5-flash');
    expect(r.breakdown).toEqual({
      input: 1000n * 300_000n,
      cacheRead: 1000n * 30_000n,
      cacheWrite: 0n,
      output: 100n * 2_500_000n,
      reasoning: 200n * 2_500_000n,
    });
    expect(r.costUsd).toBe('0.001080000000');
  });

  it('embedding model: input only', () => {
    const r = catalog.cost('openai', 'text-embedding-3-small', T, usage({ inputTokens: 12_345 }));
    expect(r.priceId).toBe('genai-prices:openai/text-embedding-3-small');
    expect(r.costPico).toBe(12_345n * 20_000n);
    expect(r.costUsd).toBe('0.000246900000');
  });

  it('o3-mini: reasoning tokens are part of output, billed once at the output price', () => {
    const r = catalog.cost('openai', 'o3-mini', T, usage({ inputTokens: 500, outputTokens: 3000, reasoningTokens: 2500 }));
    expect(r.breakdown.output + r.breakdown.reasoning).toBe(3000n * 4_400_000n);
    expect(r.breakdown.reasoning).toBe(2500n * 4_400_000n);
    expect(r.costPico).toBe(500n * 1_100_000n + 3000n * 4_400_000n);
    expect(r.costUsd).toBe('0.013750000000');
  });

  it('a distinct reasoning price splits output into non-reasoning and reasoning', () => {
    const r = catalog.cost(
      'perplexity',
      'sonar-deep-research',
      T,
      usage({ inputTokens: 1000, outputTokens: 5000, reasoningTokens: 4000 }),
    );
    expect(r.breakdown).toEqual({
      input: 1000n * 2_000_000n,
      cacheRead: 0n,
      cacheWrite: 0n,
      output: 1000n * 8_000_000n,
      reasoning: 4000n * 3_000_000n,
    });
    expect(r.costUsd).toBe('0.022000000000');
  });

  it('tiered prices: the tier is chosen by total input tokens, strictly above the tier start', () => {
    const at = (inputTokens: number) =>
      catalog.cost('anthropic', 'claude-sonnet-4-5-20250929', T, usage({ inputTokens, outputTokens: 1000 })).costPico;
    expect(at(200_000)).toBe(200_000n * 3_000_000n + 1000n * 15_000_000n);
    expect(at(200_001)).toBe(200_001n * 6_000_000n + 1000n * 22_500_000n);

    const cached = catalog.cost(
      'anthropic',
      'claude-sonnet-4-5',
      T,
      usage({ inputTokens: 250_000, cacheReadTokens: 50_000, outputTokens: 1000 }),
    );
    expect(cached.breakdown.input).toBe(200_000n * 6_000_000n);
    expect(cached.breakdown.cacheRead).toBe(50_000n * 600_000n);
    expect(cached.costUsd).toBe('1.252500000000');

    const gemini = catalog.cost('gcp.gemini', 'gemini-1.5-pro-002', T, usage({ inputTokens: 128_001, outputTokens: 10 }));
    expect(gemini.costPico).toBe(128_001n * 2_500_000n + 10n * 10_000_000n);
  });

  it('prices that change on a date apply from that UTC day on', () => {
    const change = Date.parse('2026-07-30T00:00:00Z');
    const before = catalog.lookup('openai', 'gpt-5.6-luna', change - 1);
    const after = catalog.lookup('openai', 'gpt-5.6-luna', change);
    expect(before).toMatchObject({ priceId: 'genai-prices:openai/gpt-5.6-luna', inputPerMTok: '1', outputPerMTok: '6' });
    expect(after).toMatchObject({ priceId: 'genai-prices:openai/gpt-5.6-luna@2026-07-30', inputPerMTok: '0.2' });
    const u = usage({ inputTokens: 1000 });
    expect(catalog.cost('openai', 'gpt-5.6-luna', change - 1, u).costPico).toBe(1000n * 1_000_000n);
    expect(catalog.cost('openai', 'gpt-5.6-luna', change, u).costPico).toBe(1000n * 200_000n);
  });

  it('time-of-day prices follow the span start in UTC', () => {
    const peak = catalog.lookup('deepseek', 'deepseek-chat', Date.parse('2026-09-01T12:00:00Z'));
    const offPeak = catalog.lookup('deepseek', 'deepseek-chat', Date.parse('2026-09-01T20:00:00Z'));
    expect(peak).toMatchObject({ priceId: 'genai-prices:deepseek/deepseek-chat@00:30:00Z-16:30:00Z', inputPerMTok: '0.27' });
    expect(offPeak).toMatchObject({ priceId: 'genai-prices:deepseek/deepseek-chat', inputPerMTok: '0.135' });
  });

  it('unknown model → unpriced, which is not $0', () => {
    const r = catalog.cost('openai', 'definitely-not-a-model', T, usage({ inputTokens: 10, outputTokens: 10 }));
    expect(r).toEqual({
      priced: false,
      unit: 'token',
      priceId: '',
      costPico: 0n,
      costUsd: '0.000000000000',
      breakdown: { input: 0n, output: 0n, cacheRead: 0n, cacheWrite: 0n, reasoning: 0n },
    });
    expect(catalog.lookup('openai', 'definitely-not-a-model', T)).toBeNull();
    expect(catalog.cost('', '', T, usage({ inputTokens: 1 })).priced).toBe(false);
  });

  it('large token counts stay exact (no float rounding)', () => {
    const n = Number.MAX_SAFE_INTEGER; // 9007199254740991
    const r = catalog.cost('openai', 'gpt-4o', T, usage({ inputTokens: n, cacheReadTokens: n - 1, outputTokens: n }));
    expect(r.costPico).toBe(1n * 2_500_000n + BigInt(n - 1) * 1_250_000n + BigInt(n) * 10_000_000n);
    expect(r.costUsd).toBe('101330991615.836150000000');
  });

  it('inconsistent buckets are clamped: details larger than their total are billed in full', () => {
    const r = catalog.cost('openai', 'gpt-4o', T, usage({ inputTokens: 100, cacheReadTokens: 300, outputTokens: 5, reasoningTokens: 50 }));
    expect(r.breakdown).toEqual({ input: 0n, cacheRead: 300n * 1_250_000n, cacheWrite: 0n, output: 0n, reasoning: 50n * 10_000_000n });
  });

  it('garbage token counts (negative, NaN, fractional) do not throw', () => {
    const r = catalog.cost('openai', 'gpt-4o', T, usage({ inputTokens: 10.9, outputTokens: Number.NaN, cacheReadTokens: -5 }));
    expect(r.costPico).toBe(10n * 2_500_000n);
  });

  it('lookup reports per-bucket prices with fallbacks (cache → input, reasoning → output)', () => {
    expect(catalog.lookup('openai', 'gpt-4o', T)).toEqual({
      priceId: 'genai-prices:openai/gpt-4o',
      source: 'genai-prices',
      inputPerMTok: '2.5',
      outputPerMTok: '10',
      cacheReadPerMTok: '1.25',
      cacheWritePerMTok: '2.5',
      reasoningPerMTok: '10',
    });
  });
});

describe('agreement with genai-prices calcPrice (float, so compared approximately)', () => {
  const catalog = new PriceCatalog();
  const cases: [string, string, string, TokenUsage][] = [
    ['openai', 'openai', 'gpt-4o', usage({ inputTokens: 1234, cacheReadTokens: 1000, outputTokens: 77 })],
    ['anthropic', 'anthropic', 'claude-3-5-haiku-20241022', usage({ inputTokens: 9000, cacheReadTokens: 3000, cacheWriteTokens: 5000, outputTokens: 321 })],
    ['anthropic', 'anthropic', 'claude-opus-4-1', usage({ inputTokens: 300_000, cacheWriteTokens: 100_000, outputTokens: 4000 })],
    ['gcp.vertex_ai', 'google', 'gemini-2.5-pro', usage({ inputTokens: 250_000, cacheReadTokens: 10_000, outputTokens: 2000, reasoningTokens: 1500 })],
    ['aws.bedrock', 'aws', 'amazon.nova-pro-v1:0', usage({ inputTokens: 5000, cacheReadTokens: 1000, outputTokens: 500 })],
    ['mistral_ai', 'mistral', 'mistral-large-latest', usage({ inputTokens: 4000, outputTokens: 900 })],
    ['perplexity', 'perplexity', 'sonar-deep-research', usage({ inputTokens: 4000, outputTokens: 900, reasoningTokens: 600 })],
  ];
  it.each(cases)('%s %s/%s', (ours, theirs, model, u) => {
    const mine = catalog.cost(ours, model, T, u);
    const ref = calcPrice(
      {
        input_tokens: u.inputTokens,
        cache_read_tokens: u.cacheReadTokens,
        cache_write_tokens: u.cacheWriteTokens,
        output_tokens: u.outputTokens,
        output_reasoning_tokens: u.reasoningTokens,
      },
      model,
      { providerId: theirs, timestamp: new Date(T) },
    );
    expect(ref).not.toBeNull();
    expect(mine.priced).toBe(true);
    expect(Number(mine.costPico) / 1e12).toBeCloseTo(ref!.total_price, 10);
  });
});
