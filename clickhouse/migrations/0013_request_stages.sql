-- Request stages (issue 10): per request (a trace with a root span), the time on its critical
-- path per stage, computed ONCE per trace by the worker's `stages` job (@plumb/analytics
-- requestStages) and never at query time. One row per request with a column per stage (the
-- stage set is closed: queue, prefill, decode, llm, retrieval, tool, own): the regression
-- analysis needs one row per request (p95, slow rate, segment counts), and a long
-- (trace, stage) table would have to be regrouped per trace on every read. The stage columns
-- add up to duration_ms (the root's duration = the critical path's length).
--
-- Segment dimensions are copied on (request context from the root; model / served model /
-- provider / agent of the model call with the most critical-path time, the agent falling back
-- to the root's), so the analysis never joins spans.
-- ReplacingMergeTree: a recomputation (a second worker after a lease take-over) replaces the row.
CREATE TABLE IF NOT EXISTS request_stages
(
    project_id      LowCardinality(String),
    start_time      DateTime64(6),
    trace_id        String,
    duration_ms     Float64,
    queue_ms        Float64,
    prefill_ms      Float64,
    decode_ms       Float64,
    llm_ms          Float64,
    retrieval_ms    Float64,
    tool_ms         Float64,
    own_ms          Float64,
    output_tokens   UInt64,
    llm_calls       UInt32,
    is_error        UInt8,
    root_name       LowCardinality(String),
    model           LowCardinality(String),
    response_model  LowCardinality(String),
    provider        LowCardinality(String),
    tenant          LowCardinality(String),
    request_type    LowCardinality(String),
    agent           LowCardinality(String),
    service         LowCardinality(String),
    service_version LowCardinality(String),
    environment     LowCardinality(String),
    route           LowCardinality(String),
    computed_at     DateTime64(3) DEFAULT now64(3),
    _version        UInt64
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toDate(start_time)
ORDER BY (project_id, toStartOfHour(start_time), trace_id);
