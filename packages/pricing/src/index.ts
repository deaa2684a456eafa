export type { CostBreakdown, CostResult, PriceLookup, PriceOverride, PriceUnit, SpanCostResult, TokenUsage } from './types.ts';
export { PriceCatalog, REQUEST_MODEL_SUFFIX } from './catalog.ts';
export { picoToUsd, usdToPico } from './decimal.ts';
export { validateOverride } from './overrides.ts';
export { BUNDLED_PRICES_VERSION, bundledPriceRows, overridePriceRows, type PriceRow, type RateRow } from './price-rows.ts';
