-- Read path: the request index, hourly rollups with build versions, and job leases.

-- Hours whose rollup is stale (row rewrites, late roots). Also created by 0006 (the row-rewrite
-- module writes it); IF NOT EXISTS keeps both definitions one table.
CREATE TABLE IF NOT EXISTS rollup_dirty_hours
(
    project_id  LowCardinality(String),
    hour        DateTime,
    marked_at   DateTime64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY (project_id, hour);

-- One row per trace: which span is its request. A trace is ONE request whatever arrived: its
-- head is its root (no parent), else the earliest local root (`is_root`: a remote parent), else
-- — root not received yet — its earliest span. min / max / argMin are idempotent, so re-delivered spans
-- and the backfill below cannot double anything.
CREATE TABLE IF NOT EXISTS trace_heads
(
    project_id      LowCardinality(String),
    trace_id        String,
    first_start     SimpleAggregateFunction(min, DateTime64(9)),
    has_true_root   SimpleAggregateFunction(max, UInt8),
    head            AggregateFunction(argMin, String, Tuple(UInt8, UInt8, DateTime64(9), String))
)
ENGINE = AggregatingMergeTree
ORDER BY (project_id, trace_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_heads_mv TO trace_heads AS
SELECT
    project_id,
    trace_id,
    min(start_time) AS first_start,
    max(toUInt8(empty(parent_span_id))) AS has_true_root,
    argMinState(span_id, (toUInt8(NOT empty(parent_span_id)), toUInt8(NOT is_root), start_time, span_id)) AS head
FROM spans
GROUP BY project_id, trace_id;

INSERT INTO trace_heads
SELECT
    project_id,
    trace_id,
    min(start_time) AS first_start,
    max(toUInt8(empty(parent_span_id))) AS has_true_root,
    argMinState(span_id, (toUInt8(NOT empty(parent_span_id)), toUInt8(NOT is_root), start_time, span_id)) AS head
FROM spans
GROUP BY project_id, trace_id;

-- Which traces have spans in which hour, and whether a root among them: the request predicate
-- finds the traces of a time range lacking a root by reading one row per (trace, hour) here
-- instead of every span (candidates only; trace_heads decides).
CREATE TABLE IF NOT EXISTS trace_hours
(
    project_id      LowCardinality(String),
    hour            DateTime,
    trace_id        String,
    has_true_root   SimpleAggregateFunction(max, UInt8)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (project_id, hour, trace_id)
TTL hour + toIntervalDay(400);

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_hours_mv TO trace_hours AS
SELECT project_id, toStartOfHour(start_time) AS hour, trace_id, max(toUInt8(empty(parent_span_id))) AS has_true_root
FROM spans
GROUP BY project_id, hour, trace_id;

INSERT INTO trace_hours
SELECT project_id, toStartOfHour(start_time) AS hour, trace_id, max(toUInt8(empty(parent_span_id))) AS has_true_root
FROM spans
GROUP BY project_id, hour, trace_id;

-- Hourly aggregate states over the rollup dimensions. Rows carry the `build` that wrote them;
-- queries read only the current build of each hour (rollup_builds), so re-rolling an hour
-- writes a new build instead of merging into (and double counting) the old one. Key columns
-- are named as in `spans`, so dimension and predicate SQL is the same text on both.
-- `is_request`: the span is its trace's request (see trace_heads). TTL: the rollup job sets it
-- from PLUMB_ROLLUP_RETENTION_DAYS (default 400), independent of the span TTL.
CREATE TABLE IF NOT EXISTS rollup_hourly
(
    project_id          LowCardinality(String),
    hour                DateTime,
    build               UInt64,
    tenant              LowCardinality(String),
    request_type        LowCardinality(String),
    request_model       LowCardinality(String),
    response_model      LowCardinality(String),
    provider            LowCardinality(String),
    agent_name          LowCardinality(String),
    service             LowCardinality(String),
    service_version     LowCardinality(String),
    environment         LowCardinality(String),
    host                LowCardinality(String),
    route               LowCardinality(String),
    finish_reason       LowCardinality(String),
    status_code         Enum8('unset' = 0, 'ok' = 1, 'error' = 2),
    category            LowCardinality(String),
    usage_counted       Bool,
    is_request          Bool,
    pricing_status      Enum8('none' = 0, 'priced' = 1, 'unpriced' = 2),
    spans               SimpleAggregateFunction(sum, UInt64),
    duration_ns         SimpleAggregateFunction(sum, UInt64),
    latency_ms          AggregateFunction(quantilesDD(0.01, 0.5, 0.95, 0.99), Float64),
    -- The same sketch only on request rows (empty elsewhere): request percentiles (the overview)
    -- deserialize a few small states instead of every row's.
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
ORDER BY (project_id, hour, build, tenant, request_model, agent_name, request_type, status_code, is_request, usage_counted,
          category, pricing_status, response_model, provider, service, service_version, environment, host, route, finish_reason)
TTL hour + toIntervalDay(400);

-- The current build of each (project, hour): the row with the highest build. `capped` lists the
-- dimensions whose tail was grouped into '(other)' in that hour (queries that group or filter
-- by one of them read that hour raw); `source_ingested_at` is the newest span the build saw.
CREATE TABLE IF NOT EXISTS rollup_builds
(
    project_id          LowCardinality(String),
    hour                DateTime,
    build               UInt64,
    built_at            DateTime64(3),
    source_ingested_at  DateTime64(3),
    capped              Array(LowCardinality(String))
)
ENGINE = ReplacingMergeTree(build)
ORDER BY (project_id, hour);

-- Job leases (packages/store/src/leases.ts): append-only claims, renewals and releases; the
-- lowest claim of the highest term holds the lease until its latest expiry.
CREATE TABLE IF NOT EXISTS job_leases
(
    job         LowCardinality(String),
    term        UInt64,
    holder      String,
    nonce       UInt64,
    kind        Enum8('claim' = 1, 'renew' = 2, 'release' = 3),
    claimed_at  DateTime64(6),
    expires_at  DateTime64(6)
)
ENGINE = MergeTree
ORDER BY (job, term, claimed_at)
TTL toDateTime(claimed_at) + toIntervalDay(7);
