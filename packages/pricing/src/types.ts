/** Token counts of one span, with the OTel GenAI (inclusive) semantics:
 *  inputTokens includes cacheReadTokens and cacheWriteTokens; outputTokens includes reasoningTokens. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

/** A user price. Decimal strings in USD per 1M tokens, e.g. "2.5". A missing bucket price
 *  falls back: cacheRead/cacheWrite → input price, reasoning → output price. */
export interface PriceOverride {
  /** Stable id, stored with each priced span as priceId "override:<id>". */
  id: string;
  /** '' = any provider; otherwise compared case-insensitively with the span's provider. */
  provider: string;
  /** Exact model id (case-insensitive); a prefix when it ends with '*'; a regex when
   *  written /.../ (flags i, m, s, u allowed after the closing slash). */
  modelPattern: string;
  /** Epoch ms; the override applies to spans that start at or after it. */
  effectiveFrom: number;
  /** Epoch ms, exclusive; an ended override no longer applies to spans starting at or after it. */
  effectiveTo?: number;
  /**
   * How the matched model is priced: 'token' (default: the per-token prices below) or
   * 'gpu_hour' — a self-hosted model whose spend is its GPU-hours (GPU-hour prices and the
   * tenant split, store gpu-cost.ts). Never both: a GPU-hour override carries no token price
   * ('' or absent), and its calls are priced at $0 per token with the override's price id.
   */
  unit?: PriceUnit;
  inputPerMTok: string;
  outputPerMTok: string;
  cacheReadPerMTok?: string;
  cacheWritePerMTok?: string;
  reasoningPerMTok?: string;
}

/** Cost per leaf bucket in picodollars (1e-12 USD). The five fields sum to the total:
 *  input = uncached input (input − cacheRead − cacheWrite), output = non-reasoning output. */
export interface CostBreakdown {
  input: bigint;
  output: bigint;
  cacheRead: bigint;
  cacheWrite: bigint;
  reasoning: bigint;
}

/** How a price bills a model call: per token, or per GPU-hour (self-hosted; see PriceOverride.unit). */
export type PriceUnit = 'token' | 'gpu_hour';

export interface CostResult {
  /** false when no price matched: unpriced is NOT $0, the caller stores it as unpriced. */
  priced: boolean;
  /** 'gpu_hour': priced by a GPU-hour price (costPico 0 here; the spend is the GPU split).
   *  Callers store such a call as pricing status 'gpu_hour', never 'unpriced'. */
  unit: PriceUnit;
  /** '' when unpriced; otherwise e.g. "genai-prices:openai/gpt-4o" or "override:<id>". */
  priceId: string;
  /** Exact total in picodollars. */
  costPico: bigint;
  /** costPico as a USD decimal string with 12 fractional digits. */
  costUsd: string;
  breakdown: CostBreakdown;
}

export interface PriceLookup {
  priceId: string;
  source: 'override' | 'genai-prices';
  inputPerMTok: string;
  outputPerMTok: string;
  cacheReadPerMTok: string;
  cacheWritePerMTok: string;
  reasoningPerMTok: string;
}

/** cost() of a span priced by costForSpan: which of its models matched ('none' = unpriced). */
export interface SpanCostResult extends CostResult {
  matchedBy: 'response' | 'request' | 'none';
}
