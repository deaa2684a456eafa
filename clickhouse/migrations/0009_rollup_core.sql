-- A coarse companion of rollup_hourly: the same state columns, keyed only by project, hour,
-- build and the columns the measures' `rollup` conditions read (is_request, usage_counted,
-- category, status_code, pricing_status; see catalog.ts). An ungrouped, unfiltered query (the
-- overview KPIs and time series) merges a few states per hour here instead of one per
-- combination of the 13 dimensions. The rollup job fills it in the same build as rollup_hourly
-- (same build ids, read through the same rollup_builds pointer), drops superseded builds from
-- both, and applies the same TTL.
CREATE TABLE IF NOT EXISTS rollup_hourly_core
(
    project_id          LowCardinality(String),
    hour                DateTime,
    build               UInt64,
    status_code         Enum8('unset' = 0, 'ok' = 1, 'error' = 2),
    category            LowCardinality(String),
    usage_counted       Bool,
    is_request          Bool,
    pricing_status      Enum8('none' = 0, 'priced' = 1, 'unpriced' = 2),
    spans               SimpleAggregateFunction(sum, UInt64),
    duration_ns         SimpleAggregateFunction(sum, UInt64),
    latency_ms          AggregateFunction(quantilesDD(0.01, 0.5, 0.95, 0.99), Float64),
    request_latency_ms  AggregateFunction(quantilesDD(0.01, 0.5, 0.95, 0.99), Float64),
    ttft_count          SimpleAggregateFunction(sum, UInt64),
    ttft_ms             AggregateFunction(quantilesDD(0.01, 0.5, 0.95, 0.99), Float64),
    input_tokens        SimpleAggregateFunction(sum, UInt64),
    output_tokens       SimpleAggregateFunction(sum, UInt64),
    cache_read_tokens   SimpleAggregateFunction(sum, UInt64),
    cache_write_tokens  SimpleAggregateFunction(sum, UInt64),
    reasoning_tokens    SimpleAggregateFunction(sum, UInt64),
    cost_usd            SimpleAggregateFunction(sum, Decimal(38, 12))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (project_id, hour, build, is_request, usage_counted, category, status_code, pricing_status)
TTL hour + toIntervalDay(400);

-- Backfill: every build already in rollup_hourly (current and not yet dropped superseded ones),
-- merged down to the core keys. Per build, so readers selecting `build IN (current)` see exactly
-- what rollup_hourly holds; builds written after this migration are filled by the rollup job.
INSERT INTO rollup_hourly_core
SELECT project_id, hour, build, status_code, category, usage_counted, is_request, pricing_status,
    sum(spans), sum(duration_ns),
    quantilesDDMergeState(0.01, 0.5, 0.95, 0.99)(latency_ms),
    quantilesDDMergeState(0.01, 0.5, 0.95, 0.99)(request_latency_ms),
    sum(ttft_count),
    quantilesDDMergeState(0.01, 0.5, 0.95, 0.99)(ttft_ms),
    sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens),
    sum(cost_usd)
FROM rollup_hourly
GROUP BY project_id, hour, build, status_code, category, usage_counted, is_request, pricing_status;
