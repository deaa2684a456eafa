import { findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { BUNDLED_PROVIDER_IDS, bundledPriceRows, overridePriceRows } from './price-rows.ts';
import { PriceCatalog } from './catalog.ts';

describe('catalog as SQL rows', () => {
  it('every listed provider id resolves in the bundled data', () => {
    expect(BUNDLED_PROVIDER_IDS.filter((id) => findProvider({ providerId: id })?.id !== id)).toEqual([]);
  });

  it('bundled rows carry each price id the catalog gives spans, with the same rates', () => {
    const rows = bundledPriceRows();
    expect(rows.length).toBeGreaterThan(300);
    const gpt4o = rows.find((r) => r.priceId === 'genai-prices:openai/gpt-4o')!;
    expect(gpt4o.rates.input).toEqual([[-1, '0.000002500000']]);
    expect(gpt4o.rates.cacheRead).toEqual([[-1, '0.000001250000']]);
    const tiered = rows.find((r) => r.priceId === 'genai-prices:anthropic/claude-sonnet-4-5')!;
    expect(tiered.rates.input).toEqual([[-1, '0.000003000000'], [200000, '0.000006000000']]);
    const ids = new Set(rows.map((r) => r.priceId));
    const c = new PriceCatalog();
    for (const [p, m] of [['openai', 'gpt-4o-mini'], ['anthropic', 'claude-sonnet-4-0'], ['google', 'gemini-2.5-flash'], ['deepseek', 'deepseek-chat']] as const) {
      const id = c.lookup(p, m, Date.parse('2026-09-01T20:00:00Z'))!.priceId;
      expect(ids.has(id), id).toBe(true);
    }
  });

  it('override rows: fallbacks applied, ended overrides keep their end', () => {
    const [row] = overridePriceRows([{ id: 'x', provider: 'vllm', modelPattern: 'house*', effectiveFrom: 1000, effectiveTo: 5000, inputPerMTok: '0.5', outputPerMTok: '1.5' }]);
    expect(row!.priceId).toBe('override:x');
    expect(row!.rates.cacheRead).toEqual([[-1, '0.000000500000']]);
    expect(row!.rates.reasoning).toEqual([[-1, '0.000001500000']]);
    expect(row!.effectiveTo).toBe(5000);
  });

  it('an ended override stops applying at its end', () => {
    const c = new PriceCatalog([{ id: 'x', provider: '', modelPattern: 'house', effectiveFrom: 1000, effectiveTo: 5000, inputPerMTok: '1', outputPerMTok: '1' }]);
    const u = { inputTokens: 10, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
    expect(c.cost('', 'house', 4999, u).priced).toBe(true);
    expect(c.cost('', 'house', 5000, u).priced).toBe(false);
  });
});
