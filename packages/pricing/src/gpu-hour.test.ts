import { describe, expect, it } from 'vitest';
import { overridePriceRows, PriceCatalog, validateOverride, type PriceOverride, type TokenUsage } from './index.ts';

/**
 * Issue 9: a self-hosted model is priced per token or per GPU-hour, never both. A GPU-hour
 * override marks the model: its calls are priced (not "unpriced"), carry the override's price id,
 * and cost nothing per token — their spend is the GPU-hour split (store gpu-cost.ts).
 */
const T0 = Date.parse('2026-06-01T00:00:00Z');
const U: TokenUsage = { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 200, cacheWriteTokens: 0, reasoningTokens: 0 };
const LLAMA = 'meta-llama/Llama-3.1-8B-Instruct';

const gpuHour = (o: Partial<PriceOverride> = {}): PriceOverride => ({
  id: 'llama-gpu', provider: 'vllm', modelPattern: 'meta-llama/*', effectiveFrom: T0, unit: 'gpu_hour', inputPerMTok: '', outputPerMTok: '', ...o,
});

describe('GPU-hour priced models', () => {
  it('a GPU-hour override prices the model per GPU-hour: priced, its price id, $0 per token', () => {
    const c = new PriceCatalog([gpuHour()]);
    expect(c.costForSpan('vllm', LLAMA, LLAMA, T0 - 1, U)).toMatchObject({ priced: false, unit: 'token', matchedBy: 'none' });
    const r = c.costForSpan('vllm', LLAMA, LLAMA, T0, U);
    expect(r).toMatchObject({ priced: true, unit: 'gpu_hour', priceId: 'override:llama-gpu', costPico: 0n, costUsd: '0.000000000000', matchedBy: 'response' });
    // Token-priced models keep their unit.
    expect(c.costForSpan('openai', 'gpt-4o', 'gpt-4o', T0, U)).toMatchObject({ priced: true, unit: 'token' });
  });

  it('never both: a GPU-hour override with a token price is refused, naming the field', () => {
    expect(validateOverride(gpuHour())).toEqual([]);
    expect(validateOverride(gpuHour({ inputPerMTok: '0.05' })).join()).toMatch(/inputPerMTok.*GPU-hour/);
    expect(validateOverride(gpuHour({ cacheReadPerMTok: '0.01' })).join()).toMatch(/cacheReadPerMTok.*GPU-hour/);
    expect(() => new PriceCatalog([gpuHour({ outputPerMTok: '1' })])).toThrow(/outputPerMTok/);
    // A token override still needs its token prices.
    expect(validateOverride({ ...gpuHour(), unit: 'token' }).join()).toMatch(/inputPerMTok/);
  });

  it('the SQL catalog row says gpu_hour, with no token rates', () => {
    const [row] = overridePriceRows([gpuHour()]);
    expect(row).toMatchObject({ priceId: 'override:llama-gpu', unit: 'gpu_hour' });
    expect(row!.rates.input).toEqual([[-1, '0.000000000000']]);
  });
});
