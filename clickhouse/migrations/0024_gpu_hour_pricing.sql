-- Issue 9: a self-hosted model is priced per token OR per GPU-hour, never both. A price override
-- says which (`unit`: 'token' or 'gpu_hour'); a model call matched by a GPU-hour override is
-- stored with pricing_status 'gpu_hour' (cost 0 per token, the override's price id): it is not
-- "unpriced", and its spend is the GPU-hour split (gpu_hour_prices, store gpu-cost.ts).
-- Adding an Enum8 value is a metadata-only change, also for the rollups' key columns.
ALTER TABLE price_overrides ADD COLUMN IF NOT EXISTS unit LowCardinality(String) DEFAULT 'token' AFTER effective_to;
ALTER TABLE spans MODIFY COLUMN pricing_status Enum8('none' = 0, 'priced' = 1, 'unpriced' = 2, 'gpu_hour' = 3);
ALTER TABLE rollup_hourly MODIFY COLUMN pricing_status Enum8('none' = 0, 'priced' = 1, 'unpriced' = 2, 'gpu_hour' = 3);
ALTER TABLE rollup_hourly_core MODIFY COLUMN pricing_status Enum8('none' = 0, 'priced' = 1, 'unpriced' = 2, 'gpu_hour' = 3);
