import { picoPerTokenToPerMTok, picoToUsd } from './decimal.ts';
import type { CostBreakdown, CostResult, PriceLookup, TokenUsage } from './types.ts';

/** One bucket's price in picodollars per token. Tiers follow genai-prices: the tier is picked
 *  by the request's total (inclusive) input tokens, the last tier whose `start` is strictly
 *  below that count wins, and the whole bucket is billed at that tier's price (not marginally). */
export interface Rate {
  readonly base: bigint;
  /** Sorted by start ascending; empty for a flat price. */
  readonly tiers: readonly { readonly start: number; readonly price: bigint }[];
}

/** Prices for the five leaf buckets, with fallbacks already applied. */
export interface RateSet {
  readonly input: Rate;
  readonly cacheRead: Rate;
  readonly cacheWrite: Rate;
  readonly output: Rate;
  readonly reasoning: Rate;
}

export function flatRate(price: bigint): Rate {
  return { base: price, tiers: [] };
}

function priceAt(rate: Rate, inputTokens: number): bigint {
  let price = rate.base;
  for (const tier of rate.tiers) {
    if (inputTokens > tier.start) price = tier.price;
    else break;
  }
  return price;
}

/** Token counts come from telemetry: anything that is not a finite positive number counts
 *  as 0, fractions are truncated. */
function count(n: number): number {
  return n > 0 && Number.isFinite(n) ? Math.trunc(n) : 0;
}

/**
 * Cost from leaf buckets (inclusive semantics, so cached tokens are never charged twice):
 * uncached input = input − cacheRead − cacheWrite (clamped at 0) at the input price, cache
 * reads/writes at their prices, non-reasoning output = output − reasoning (clamped at 0) at
 * the output price, reasoning at the reasoning price (= output price unless a distinct one
 * exists, in which case the total is unchanged by the split). When the detail buckets exceed
 * their inclusive total (exclusive-reporting instrumentations), the details are billed in full.
 */
export function computeCost(rates: RateSet, usage: TokenUsage, priceId: string): CostResult {
  const input = count(usage.inputTokens);
  const inputN = BigInt(input);
  const cacheRead = BigInt(count(usage.cacheReadTokens));
  const cacheWrite = BigInt(count(usage.cacheWriteTokens));
  const output = BigInt(count(usage.outputTokens));
  const reasoning = BigInt(count(usage.reasoningTokens));
  const uncached = inputN - cacheRead - cacheWrite;
  const plainOutput = output - reasoning;

  const breakdown: CostBreakdown = {
    input: uncached > 0n ? uncached * priceAt(rates.input, input) : 0n,
    output: plainOutput > 0n ? plainOutput * priceAt(rates.output, input) : 0n,
    cacheRead: cacheRead * priceAt(rates.cacheRead, input),
    cacheWrite: cacheWrite * priceAt(rates.cacheWrite, input),
    reasoning: reasoning * priceAt(rates.reasoning, input),
  };
  const costPico =
    breakdown.input + breakdown.output + breakdown.cacheRead + breakdown.cacheWrite + breakdown.reasoning;
  return { priced: true, unit: 'token', priceId, costPico, costUsd: picoToUsd(costPico), breakdown };
}

export function unpricedResult(): CostResult {
  return {
    priced: false,
    unit: 'token',
    priceId: '',
    costPico: 0n,
    costUsd: picoToUsd(0n),
    breakdown: { input: 0n, output: 0n, cacheRead: 0n, cacheWrite: 0n, reasoning: 0n },
  };
}

/** Display prices: the base (lowest) tier of each bucket, per 1M tokens. */
export function describeRates(
  rates: RateSet,
  priceId: string,
  source: PriceLookup['source'],
): PriceLookup {
  return {
    priceId,
    source,
    inputPerMTok: picoPerTokenToPerMTok(rates.input.base),
    outputPerMTok: picoPerTokenToPerMTok(rates.output.base),
    cacheReadPerMTok: picoPerTokenToPerMTok(rates.cacheRead.base),
    cacheWritePerMTok: picoPerTokenToPerMTok(rates.cacheWrite.base),
    reasoningPerMTok: picoPerTokenToPerMTok(rates.reasoning.base),
  };
}

/** A call of a model priced per GPU-hour: priced, $0 per token (its spend is GPU-hours). */
export function gpuHourResult(priceId: string): CostResult {
  return { ...unpricedResult(), priced: true, unit: 'gpu_hour', priceId };
}
