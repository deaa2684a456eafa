-- Latency by one dimension (the /latency page): per project, hour, build, dimension and value,
-- the states of that dimension's SUBJECT spans only (requests for context and span dimensions,
-- model calls for model / response_model / provider, agent runs for agent), split by status.
-- A latency chart grouped by one dimension merges one sketch per (hour, value, status) here
-- instead of one per combination of every rollup key in rollup_hourly (≈ 530 rows an hour on the
-- demo workload: merging 7 days of those sketches took ≈ 0.5 s per statement).
-- Filled by the rollup job from the build's own rollup_hourly rows (same build ids, read through
-- the same rollup_builds pointer, dropped and expired with it). The sketch is rollup_hourly's.
CREATE TABLE IF NOT EXISTS rollup_latency_hourly
(
    project_id          LowCardinality(String),
    hour                DateTime,
    build               UInt64,
    dimension           LowCardinality(String),
    value               String,
    status_code         Enum8('unset' = 0, 'ok' = 1, 'error' = 2),
    spans               SimpleAggregateFunction(sum, UInt64),
    duration_ns         SimpleAggregateFunction(sum, UInt64),
    latency_ms          AggregateFunction(quantilesDD(0.01, 0.5, 0.95, 0.99), Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (project_id, dimension, hour, build, value, status_code)
TTL hour + toIntervalDay(400);

-- Backfill: every build already in rollup_hourly, per dimension (the subject rules of
-- semantic/catalog.ts: model-ish dimensions = usage-counted spans, agent = agent runs, the rest
-- = request spans). Keep in step with semantic/rollup-latency.ts LATENCY_ROLLUP_SELECT.
INSERT INTO rollup_latency_hourly
SELECT project_id, hour, build, dv.1 AS dimension, dv.2 AS value, status_code,
    sum(spans), sum(duration_ns), quantilesDDMergeState(0.01, 0.5, 0.95, 0.99)(latency_ms)
FROM rollup_hourly
ARRAY JOIN [('tenant', tenant), ('request_type', request_type), ('route', route), ('environment', environment), ('service', service),
            ('service_version', service_version), ('model', request_model), ('response_model', response_model), ('provider', provider),
            ('agent', agent_name)] AS dv
WHERE multiIf(dv.1 IN ('model', 'response_model', 'provider'), usage_counted, dv.1 = 'agent', category = 'agent', is_request)
GROUP BY project_id, hour, build, dimension, value, status_code;
