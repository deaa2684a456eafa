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

export interface CostResult {
  /** false when no price matched: unpriced is NOT $0, the caller stores it as unpriced. */
  priced: boolean;
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
