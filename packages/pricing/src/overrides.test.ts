import { describe, expect, it } from 'vitest';
import { PriceCatalog, validateOverride, type PriceOverride, type TokenUsage } from './index.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');
const U: TokenUsage = { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

function ov(o: Partial<PriceOverride> & Pick<PriceOverride, 'id' | 'modelPattern'>): PriceOverride {
  return { provider: '', effectiveFrom: T0, inputPerMTok: '1', outputPerMTok: '2', ...o };
}

describe('price overrides', () => {
  it('an effective override beats the bundled price; other models keep bundled prices', () => {
    const c = new PriceCatalog([ov({ id: 'neg-4o', provider: 'openai', modelPattern: 'gpt-4o', inputPerMTok: '2', outputPerMTok: '8' })]);
    const r = c.cost('openai', 'gpt-4o', T0, U);
    expect(r.priceId).toBe('override:neg-4o');
    expect(r.costPico).toBe(1000n * 2_000_000n + 100n * 8_000_000n);
    expect(c.cost('openai', 'gpt-4o-mini', T0, U).priceId).toBe('genai-prices:openai/gpt-4o-mini');
    expect(c.cost('azure.ai.openai', 'gpt-4o', T0, U).priceId).toBe('genai-prices:openai/gpt-4o'); // provider differs
    expect(c.lookup('openai', 'gpt-4o', T0)).toEqual({
      priceId: 'override:neg-4o',
      source: 'override',
      inputPerMTok: '2',
      outputPerMTok: '8',
      cacheReadPerMTok: '2',
      cacheWritePerMTok: '2',
      reasoningPerMTok: '8',
    });
  });

  it('applies from effectiveFrom on; the latest effective override wins', () => {
    const c = new PriceCatalog([
      ov({ id: 'v1', modelPattern: 'gpt-4o', effectiveFrom: T0, inputPerMTok: '1' }),
      ov({ id: 'v2', modelPattern: 'gpt-4o', effectiveFrom: T0 + 10 * DAY, inputPerMTok: '3' }),
    ]);
    expect(c.cost('openai', 'gpt-4o', T0 - 1, U).priceId).toBe('genai-prices:openai/gpt-4o');
    expect(c.cost('openai', 'gpt-4o', T0, U).priceId).toBe('override:v1');
    expect(c.cost('openai', 'gpt-4o', T0 + 10 * DAY - 1, U).priceId).toBe('override:v1');
    expect(c.cost('openai', 'gpt-4o', T0 + 10 * DAY, U).priceId).toBe('override:v2');
    expect(c.lookup('openai', 'gpt-4o', T0 + 20 * DAY)?.inputPerMTok).toBe('3');
  });

  it('prices models genai-prices does not know, by prefix and by regex', () => {
    const c = new PriceCatalog([
      ov({ id: 'in-house', provider: 'vllm', modelPattern: 'acme-llm-*', inputPerMTok: '0.05', outputPerMTok: '0.1' }),
      ov({ id: 'ft', modelPattern: '/^ft:gpt-4o-mini-2024-07-18:acme:/', inputPerMTok: '0.3', outputPerMTok: '1.2' }),
      ov({ id: 'ci', modelPattern: '/^MyModel$/i' }),
    ]);
    expect(c.cost('vllm', 'acme-llm-70b', T0, U).priceId).toBe('override:in-house');
    expect(c.cost('vllm', 'ACME-LLM-8b', T0, U).costPico).toBe(1000n * 50_000n + 100n * 100_000n);
    expect(c.cost('ollama', 'acme-llm-70b', T0, U).priced).toBe(false);
    expect(c.cost('openai', 'ft:gpt-4o-mini-2024-07-18:acme:support:abc123', T0, U).priceId).toBe('override:ft');
    expect(c.cost('openai', 'ft:gpt-4o-mini-2024-07-18:other:x', T0, U).priceId).not.toBe('override:ft');
    expect(c.cost('x', 'mymodel', T0, U).priceId).toBe('override:ci');
  });

  it('at equal dates: exact beats prefix beats regex; specific provider beats any; longer prefix wins', () => {
    const all = [
      ov({ id: 'regex', modelPattern: '/^gpt-4o/' }),
      ov({ id: 'prefix', modelPattern: 'gpt-*' }),
      ov({ id: 'longer-prefix', modelPattern: 'gpt-4o*' }),
      ov({ id: 'exact-any', modelPattern: 'gpt-4o' }),
      ov({ id: 'exact-openai', provider: 'openai', modelPattern: 'gpt-4o' }),
    ];
    const winner = (list: PriceOverride[], model = 'gpt-4o') => new PriceCatalog(list).cost('openai', model, T0, U).priceId;
    expect(winner(all)).toBe('override:exact-openai');
    expect(winner(all.slice(0, 4))).toBe('override:exact-any');
    expect(winner(all.slice(0, 3))).toBe('override:longer-prefix');
    expect(winner(all.slice(0, 2))).toBe('override:prefix');
    expect(winner(all.slice(0, 1))).toBe('override:regex');
    // The date decides first: a newer regex beats an older exact match once it is effective.
    const dated = [ov({ id: 'exact', modelPattern: 'gpt-4o' }), ov({ id: 'newer-regex', modelPattern: '/4o/', effectiveFrom: T0 + DAY })];
    const c = new PriceCatalog(dated);
    expect(c.cost('openai', 'gpt-4o', T0, U).priceId).toBe('override:exact');
    expect(c.cost('openai', 'gpt-4o', T0 + DAY, U).priceId).toBe('override:newer-regex');
  });

  it('missing bucket prices fall back (cache → input, reasoning → output); given ones are used', () => {
    const usage: TokenUsage = { inputTokens: 1000, cacheReadTokens: 400, cacheWriteTokens: 100, outputTokens: 300, reasoningTokens: 200 };
    const fallback = new PriceCatalog([ov({ id: 'a', modelPattern: 'm', inputPerMTok: '4', outputPerMTok: '10' })]).cost('', 'm', T0, usage);
    expect(fallback.costPico).toBe(1000n * 4_000_000n + 300n * 10_000_000n);
    const full = new PriceCatalog([
      ov({ id: 'b', modelPattern: 'm', inputPerMTok: '4', outputPerMTok: '10', cacheReadPerMTok: '0.4', cacheWritePerMTok: '5', reasoningPerMTok: '20' }),
    ]).cost('', 'm', T0, usage);
    expect(full.breakdown).toEqual({
      input: 500n * 4_000_000n,
      cacheRead: 400n * 400_000n,
      cacheWrite: 100n * 5_000_000n,
      output: 100n * 10_000_000n,
      reasoning: 200n * 20_000_000n,
    });
    expect(full.costUsd).toBe('0.007660000000');
  });

  it('prices with more than 6 decimals round half-to-even at 1 picodollar per token', () => {
    const c = new PriceCatalog([ov({ id: 'tiny', modelPattern: 'm', inputPerMTok: '0.0000025', outputPerMTok: '0.0000035' })]);
    const r = c.cost('', 'm', T0, { ...U, inputTokens: 1_000_000, outputTokens: 1_000_000 });
    expect(r.breakdown.input).toBe(2_000_000n); // 2.5 pico/token → 2
    expect(r.breakdown.output).toBe(4_000_000n); // 3.5 pico/token → 4
  });

  it('setOverrides replaces overrides and drops cached lookups', () => {
    const c = new PriceCatalog();
    expect(c.cost('openai', 'gpt-4o', T0, U).priceId).toBe('genai-prices:openai/gpt-4o');
    c.setOverrides([ov({ id: 'x', modelPattern: 'gpt-4o' })]);
    expect(c.cost('openai', 'gpt-4o', T0, U).priceId).toBe('override:x');
    c.setOverrides([]);
    expect(c.cost('openai', 'gpt-4o', T0, U).priceId).toBe('genai-prices:openai/gpt-4o');
  });

  it('rejects invalid overrides with every problem listed, keeping the previous set', () => {
    const bad: PriceOverride[] = [
      ov({ id: 'neg', modelPattern: 'm', inputPerMTok: '-1' }),
      ov({ id: 're', modelPattern: '/([/' }),
      ov({ id: 'flags', modelPattern: '/x/g' }),
      ov({ id: 'when', modelPattern: 'm', effectiveFrom: Number.NaN }),
      ov({ id: 'cache', modelPattern: 'm', cacheReadPerMTok: 'cheap' }),
      ov({ id: '', modelPattern: 'm' }),
    ];
    for (const o of bad) expect(validateOverride(o)).toHaveLength(1);
    expect(validateOverride(ov({ id: 'ok', modelPattern: 'm', reasoningPerMTok: '3.5' }))).toEqual([]);

    const c = new PriceCatalog([ov({ id: 'keep', modelPattern: 'gpt-4o' })]);
    expect(() => c.setOverrides(bad)).toThrow(/"neg".*"re".*"flags".*"when".*"cache"/s);
    expect(() => c.setOverrides([ov({ id: 'dup', modelPattern: 'a' }), ov({ id: 'dup', modelPattern: 'b' })])).toThrow(/duplicate id/);
    expect(c.cost('openai', 'gpt-4o', T0, U).priceId).toBe('override:keep');
    expect(() => new PriceCatalog(bad)).toThrow();
  });
});
