import { findProvider } from '@pydantic/genai-prices';
import { compileBundled, type Constraint } from './bundled.ts';
import { picoToUsd } from './decimal.ts';
import { compileOverrides } from './overrides.ts';
import type { Rate, RateSet } from './rates.ts';
import type { PriceOverride } from './types.ts';

/**
 * The catalog as rows for SQL (the store's `prices` table, migration 0012): one row per price
 * id a span can carry, with each bucket's rate as [start, USD per token] pairs — the base
 * price at start -1, then the tiers — so the engine prices a span exactly as computeCost does
 * (the last entry whose start is below the span's input tokens; USD per token with 12 decimals
 * is the catalog's picodollars per token).
 */

export type RateRow = [start: number, usdPerToken: string][];

export interface PriceRow {
  priceId: string;
  source: 'genai-prices' | 'override';
  /** genai-prices: the package version the row came from; override: '' (its own _version dates it). */
  sourceDate: string;
  provider: string;
  /** The bundled model id, or the override's model pattern. */
  model: string;
  /** Self-hosted models may be priced per GPU-hour instead (never both): an override with
   *  unit 'gpu_hour' has no token rates (all 0); the GPU-hour prices themselves are per GPU model
   *  or host (store gpu-prices.ts), so `gpuHourUsd` stays 0 here. */
  unit: 'token' | 'gpu_hour';
  effectiveFrom: number;
  effectiveTo: number | null;
  /** 'always', a start date, or a UTC time-of-day window (genai-prices constraints). */
  condition: string;
  rates: Record<'input' | 'cacheRead' | 'cacheWrite' | 'output' | 'reasoning', RateRow>;
  gpuHourUsd: string;
}

/** Version of the bundled data; bundled rows are rewritten when it changes. */
export const BUNDLED_PRICES_VERSION = 'genai-prices@0.1.8';

/** genai-prices provider ids in the bundled data (the package exposes lookup by id, not a
 *  list); price-rows.test.ts checks each resolves, so an upgrade that drops one fails loudly. */
export const BUNDLED_PROVIDER_IDS: readonly string[] = [
  'anthropic', 'arcee', 'avian', 'aws', 'azure', 'baseten', 'cerebras', 'cloudflare', 'cohere', 'cursor',
  'deepseek', 'doubleword', 'fireworks', 'github-copilot', 'google', 'groq', 'huggingface_cerebras',
  'huggingface_fireworks-ai', 'huggingface_groq', 'huggingface_hyperbolic', 'huggingface_nebius',
  'huggingface_novita', 'huggingface_nscale', 'huggingface_ovhcloud', 'huggingface_publicai',
  'huggingface_sambanova', 'huggingface_together', 'minimax', 'mistral', 'modal', 'moonshotai', 'novita',
  'openai', 'openrouter', 'ovhcloud', 'perplexity', 'quicksilverpro', 'together', 'typesafe', 'voyageai',
  'x-ai', 'zai', 'zhipuai',
];

function rateRow(rate: Rate): RateRow {
  return [[-1, picoToUsd(rate.base)], ...rate.tiers.map((t): [number, string] => [t.start, picoToUsd(t.price)])];
}

function rateRows(r: RateSet): PriceRow['rates'] {
  return {
    input: rateRow(r.input),
    cacheRead: rateRow(r.cacheRead),
    cacheWrite: rateRow(r.cacheWrite),
    output: rateRow(r.output),
    reasoning: rateRow(r.reasoning),
  };
}

function describe(c: Constraint): { from: number; condition: string } {
  switch (c.kind) {
    case 'always':
      return { from: 0, condition: 'always' };
    case 'since':
      return { from: c.startMs, condition: `from ${new Date(c.startMs).toISOString().slice(0, 10)}` };
    case 'timeOfDay': {
      const hhmm = (sec: number) => `${String(Math.floor(sec / 3600)).padStart(2, '0')}:${String(Math.floor((sec % 3600) / 60)).padStart(2, '0')}`;
      return { from: 0, condition: `${hhmm(c.startSec)}–${hhmm(c.endSec)} UTC` };
    }
  }
}

/** Every bundled price period, once per price id. */
export function bundledPriceRows(): PriceRow[] {
  const rows = new Map<string, PriceRow>();
  for (const id of BUNDLED_PROVIDER_IDS) {
    const provider = findProvider({ providerId: id });
    if (!provider) continue;
    for (const model of provider.models) {
      const compiled = compileBundled({ provider, model });
      if (!compiled) continue;
      for (const period of compiled.periods) {
        if (rows.has(period.priceId)) continue;
        const { from, condition } = describe(period.constraint);
        rows.set(period.priceId, {
          priceId: period.priceId,
          source: 'genai-prices',
          sourceDate: BUNDLED_PRICES_VERSION,
          provider: provider.id,
          model: model.id,
          unit: 'token',
          effectiveFrom: from,
          effectiveTo: null,
          condition,
          rates: rateRows(period.rates),
          gpuHourUsd: '0',
        });
      }
    }
  }
  return [...rows.values()];
}

/** A project's overrides as rows (validated like the catalog does: throws on a bad one). */
export function overridePriceRows(overrides: readonly PriceOverride[]): PriceRow[] {
  return compileOverrides(overrides).map((o) => {
    const src = overrides.find((x) => x.id === o.id)!;
    return {
      priceId: o.priceId,
      source: 'override',
      sourceDate: '',
      provider: src.provider,
      model: src.modelPattern,
      unit: o.unit,
      effectiveFrom: o.effectiveFrom,
      effectiveTo: src.effectiveTo ?? null,
      condition: src.effectiveTo === undefined ? 'open' : 'ended',
      rates: rateRows(o.rates),
      gpuHourUsd: '0',
    };
  });
}
