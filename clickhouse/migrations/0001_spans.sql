-- One wide, immutable row per span. Trace-level context (tenant, request type, session, user)
-- is copied onto every span so no query needs a join.
--
-- Deduplication: a re-delivered span has the same (project_id, start hour, trace_id, span_id),
-- so ReplacingMergeTree collapses the copies; every query that reports money reads through
-- FINAL, so totals are exact before merges happen. `_version` puts rows whose trace context
-- (tenant, request type) was resolved above rows where it was not, then orders by ingest time:
-- a late correction always wins, and a late duplicate without context never overrides one.
CREATE TABLE IF NOT EXISTS spans
(
    project_id          LowCardinality(String),
    trace_id            String,
    span_id             String,
    parent_span_id      String,
    trace_state         String CODEC(ZSTD(1)),
    name                LowCardinality(String),
    kind                UInt8,
    service             LowCardinality(String),
    service_version     LowCardinality(String),
    environment         LowCardinality(String),
    scope_name          LowCardinality(String),
    start_time          DateTime64(9) CODEC(Delta, ZSTD(1)),
    end_time            DateTime64(9) CODEC(Delta, ZSTD(1)),
    duration_ns         UInt64 CODEC(T64, ZSTD(1)),
    status_code         Enum8('unset' = 0, 'ok' = 1, 'error' = 2),
    status_message      String CODEC(ZSTD(1)),
    error_type          LowCardinality(String),
    operation           LowCardinality(String),
    category            LowCardinality(String),
    provider            LowCardinality(String),
    request_model       LowCardinality(String),
    response_model      LowCardinality(String),
    agent_name          LowCardinality(String),
    agent_id            String CODEC(ZSTD(1)),
    tool_name           LowCardinality(String),
    session_id          String CODEC(ZSTD(1)),
    user_id             String CODEC(ZSTD(1)),
    tenant              LowCardinality(String),
    request_type        LowCardinality(String),
    input_tokens        UInt64 CODEC(T64, ZSTD(1)),
    output_tokens       UInt64 CODEC(T64, ZSTD(1)),
    cache_read_tokens   UInt64 CODEC(T64, ZSTD(1)),
    cache_write_tokens  UInt64 CODEC(T64, ZSTD(1)),
    reasoning_tokens    UInt64 CODEC(T64, ZSTD(1)),
    -- false where the span repeats its children's usage (Vercel ai.generateText, invoke_agent):
    -- token and cost measures sum only counted spans.
    usage_counted       Bool,
    ttft_ms             Nullable(Float64),
    -- Exact fixed point: USD with 12 decimals (picodollars). sum() widens to Decimal128.
    cost_usd            Decimal(18, 12),
    -- 'priced' | 'unpriced' (tokens but no price matched) | 'none' (no usage)
    pricing_status      Enum8('none' = 0, 'priced' = 1, 'unpriced' = 2),
    price_id            LowCardinality(String),
    input_text          String CODEC(ZSTD(3)),
    output_text         String CODEC(ZSTD(3)),
    attributes          Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    resource_attributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    events              Array(Tuple(time DateTime64(9), name String, attributes Map(String, String))) CODEC(ZSTD(1)),
    links               Array(Tuple(trace_id String, span_id String, attributes Map(String, String))) CODEC(ZSTD(1)),
    context_resolved    Bool,
    _version            UInt64,
    _ingested_at        DateTime64(3) DEFAULT now64(3),
    -- No bloom filters on trace_id / session_id: they cost ~40% of insert throughput here, and
    -- trace-by-id already narrows by trace_index's time range + the sort key.
    INDEX idx_tenant tenant TYPE set(256) GRANULARITY 4,
    INDEX idx_duration duration_ns TYPE minmax GRANULARITY 1
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toDate(start_time)
ORDER BY (project_id, toStartOfHour(start_time), trace_id, span_id);

-- trace id -> where it lives, so trace-by-id reads only the hours the trace spans.
CREATE TABLE IF NOT EXISTS trace_index
(
    project_id  LowCardinality(String),
    trace_id    String,
    start_time  SimpleAggregateFunction(min, DateTime64(9)),
    end_time    SimpleAggregateFunction(max, DateTime64(9)),
    span_ids    AggregateFunction(uniqExact, String),
    root_name   SimpleAggregateFunction(max, String)
)
ENGINE = AggregatingMergeTree
ORDER BY (project_id, trace_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_index_mv TO trace_index AS
SELECT
    project_id,
    trace_id,
    min(start_time) AS start_time,
    max(end_time) AS end_time,
    uniqExactState(span_id) AS span_ids,
    max(if(parent_span_id = '', toString(name), '')) AS root_name
FROM spans
GROUP BY project_id, trace_id;
