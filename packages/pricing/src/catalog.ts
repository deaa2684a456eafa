import { bundledBreakpoints, loadBundledModel, periodAt, type BundledModel } from './bundled.ts';
import { compileOverrides, matchingOverrides, overrideAt, type CompiledOverride } from './overrides.ts';
import { computeCost, describeRates, gpuHourResult, unpricedResult } from './rates.ts';
import type { CostResult, PriceLookup, PriceOverride, SpanCostResult, TokenUsage } from './types.ts';

/** Suffix of a span's price id when its REQUEST model matched (the response model did not). */
export const REQUEST_MODEL_SUFFIX = '@request-model';

/** Everything time-independent about one (provider, model): resolved once, then cached. */
interface CatalogEntry {
  readonly overrides: readonly CompiledOverride[];
  readonly bundled: BundledModel | undefined;
}

/** Bound on distinct (provider, model) keys kept; garbage model names cannot grow memory
 *  without limit. On overflow the cache is simply cleared (misses are only slower). */
const MAX_CACHE_ENTRIES = 20_000;

/**
 * Price catalog: user overrides first, then the bundled @pydantic/genai-prices data.
 * cost() is on the ingest hot path: after the first lookup of a (provider, model) it is a
 * Map hit plus bigint arithmetic.
 */
export class PriceCatalog {
  #overrides: CompiledOverride[] = [];
  /** provider → model → entry; nested maps avoid building a key string per call. */
  readonly #cache = new Map<string, Map<string, CatalogEntry>>();
  #cacheSize = 0;

  /** Throws if any override is invalid (see validateOverride). */
  constructor(overrides: PriceOverride[] = []) {
    this.setOverrides(overrides);
  }

  /** Replaces all overrides (atomically: on error the previous ones stay). */
  setOverrides(overrides: PriceOverride[]): void {
    this.#overrides = compileOverrides(overrides);
    this.#clearCache();
  }

  /** provider and model as normalized by @plumb/semconv; timeMs = span start (epoch ms). */
  cost(provider: string, model: string, timeMs: number, usage: TokenUsage): CostResult {
    const entry = this.#entry(provider, model);
    const override = overrideAt(entry.overrides, timeMs);
    if (override) return override.unit === 'gpu_hour' ? gpuHourResult(override.priceId) : computeCost(override.rates, usage, override.priceId);
    if (entry.bundled) {
      const period = periodAt(entry.bundled, timeMs);
      return computeCost(period.rates, usage, period.priceId);
    }
    return unpricedResult();
  }

  /**
   * The price of one model call: its response model (the version that served it) first, then
   * its request model. A response version the catalog does not know (`gpt-4o-2025`) is thus
   * priced as the requested `gpt-4o` instead of staying unpriced; the price id then ends in
   * `@request-model`, so the stored span says which of the two matched (splitPriceId).
   */
  costForSpan(provider: string, responseModel: string, requestModel: string, timeMs: number, usage: TokenUsage): SpanCostResult {
    const first = responseModel || requestModel;
    const r = this.cost(provider, first, timeMs, usage);
    if (r.priced) return { ...r, matchedBy: 'response' };
    if (responseModel && requestModel && requestModel !== responseModel) {
      const q = this.cost(provider, requestModel, timeMs, usage);
      if (q.priced) return { ...q, priceId: q.priceId + REQUEST_MODEL_SUFFIX, matchedBy: 'request' };
    }
    return { ...r, matchedBy: 'none' };
  }

  /**
   * The price id costForSpan would give each span of (provider, responseModel, requestModel)
   * starting in [fromMs, toMs), as consecutive segments ('' = unpriced). Segment edges are the
   * catalog's own breakpoints (override starts and ends, bundled start dates, time-of-day
   * windows), so within a segment one price applies: repricing rewrites a segment in one
   * statement and prices it in SQL.
   */
  priceSegments(provider: string, responseModel: string, requestModel: string, fromMs: number, toMs: number): { fromMs: number; toMs: number; priceId: string }[] {
    const edges = new Set<number>([fromMs]);
    for (const model of [responseModel, requestModel]) {
      if (!model) continue;
      const entry = this.#entry(provider, model);
      for (const o of entry.overrides) {
        if (o.effectiveFrom > fromMs && o.effectiveFrom < toMs) edges.add(o.effectiveFrom);
        if (o.effectiveTo > fromMs && o.effectiveTo < toMs) edges.add(o.effectiveTo);
      }
      for (const t of entry.bundled ? bundledBreakpoints(entry.bundled, fromMs, toMs) : []) edges.add(t);
    }
    const sorted = [...edges].sort((a, b) => a - b);
    const zero: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
    const out: { fromMs: number; toMs: number; priceId: string }[] = [];
    sorted.forEach((start, i) => {
      const end = sorted[i + 1] ?? toMs;
      const priceId = this.costForSpan(provider, responseModel, requestModel, start, zero).priceId;
      const last = out[out.length - 1];
      if (last && last.priceId === priceId) last.toMs = end;
      else out.push({ fromMs: start, toMs: end, priceId });
    });
    return out;
  }

  /** A stored price id → the catalog's price id and which model of the span matched it. */
  static splitPriceId(stored: string): { priceId: string; matchedBy: SpanCostResult['matchedBy'] } {
    if (stored === '') return { priceId: '', matchedBy: 'none' };
    if (stored.endsWith(REQUEST_MODEL_SUFFIX)) return { priceId: stored.slice(0, -REQUEST_MODEL_SUFFIX.length), matchedBy: 'request' };
    return { priceId: stored, matchedBy: 'response' };
  }

  /** The price (per 1M tokens, decimal strings) cost() would use, for display. For tiered
   *  prices this is the base (lowest) tier. */
  lookup(provider: string, model: string, timeMs: number): PriceLookup | null {
    const entry = this.#entry(provider, model);
    const override = overrideAt(entry.overrides, timeMs);
    if (override) return describeRates(override.rates, override.priceId, 'override');
    if (entry.bundled) {
      const period = periodAt(entry.bundled, timeMs);
      return describeRates(period.rates, period.priceId, 'genai-prices');
    }
    return null;
  }

  #entry(provider: string, model: string): CatalogEntry {
    let byModel = this.#cache.get(provider);
    let entry = byModel?.get(model);
    if (entry === undefined) {
      entry = {
        overrides: matchingOverrides(this.#overrides, provider, model),
        bundled: loadBundledModel(provider, model),
      };
      if (this.#cacheSize >= MAX_CACHE_ENTRIES) {
        this.#clearCache();
        byModel = undefined;
      }
      if (byModel === undefined) {
        byModel = new Map();
        this.#cache.set(provider, byModel);
      }
      byModel.set(model, entry);
      this.#cacheSize++;
    }
    return entry;
  }

  #clearCache(): void {
    this.#cache.clear();
    this.#cacheSize = 0;
  }
}
