-- Issue 9: a closed month's figures, per hour and per cost dimension, frozen at close (no TTL),
-- so every export that covers a closed month (any grouping by these dimensions, any
-- granularity) serves the closed numbers, not live spans: after late spans, repricing and the
-- span TTL. Rows of one close share its close_version (month_closes); a reopen + close writes
-- a new version and the old rows stay for the audit trail.
CREATE TABLE IF NOT EXISTS month_close_rows
(
    project_id          String,
    month               Date,
    close_version       UInt64,
    hour                DateTime('UTC'),
    tenant              String,
    request_type        String,
    provider            String,
    model               String,
    agent               String,
    service             String,
    environment         String,
    cost_usd            Decimal(38, 12),
    unpriced_spans      UInt64,
    llm_calls           UInt64,
    input_tokens        UInt64,
    output_tokens       UInt64,
    cache_read_tokens   UInt64,
    cache_write_tokens  UInt64,
    total_tokens        UInt64
)
ENGINE = MergeTree
ORDER BY (project_id, month, close_version, hour, tenant, request_type, provider, model, agent, service, environment);
