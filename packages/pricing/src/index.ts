export type { CostBreakdown, CostResult, PriceLookup, PriceOverride, TokenUsage } from './types.ts';
export { PriceCatalog } from './catalog.ts';
export { picoToUsd, usdToPico } from './decimal.ts';
export { validateOverride } from './overrides.ts';
