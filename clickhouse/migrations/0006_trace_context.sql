-- Trace-level context in the store, so late-context corrections are durable, idempotent and
-- independent of which collector saw which span (issue 6, defect 4).
--
-- trace_context: one aggregate row per (project, trace), fed by a materialized view on every
-- insert into `spans` (collectors, WAL replay, corrections, backfills: atomic with the rows).
-- For each context field it keeps the best value any span offered, as max((rank, -start, value)):
-- rank 3 = the true root (no parent), 2 = a local root (parent flagged remote), 1 = any other
-- span, 0 = empty; among equal ranks the earliest span wins, then the larger value. The
-- collector's context stage applies the same rule in memory. `*_missing` says some stored row
-- lacks the field; `unresolved` that some row was written before its context was known. The
-- worker's corrections job (apps/worker/src/jobs/corrections.ts) rewrites rows of traces where
-- a field is missing but known, then writes a `checked_at` row; it looks only at traces updated
-- after they were last checked. `updated_at` is the server's clock at insert (one clock for all
-- collectors).
CREATE TABLE IF NOT EXISTS trace_context
(
    project_id        LowCardinality(String),
    trace_id          String,
    tenant            SimpleAggregateFunction(max, Tuple(UInt8, Int64, String)),
    request_type      SimpleAggregateFunction(max, Tuple(UInt8, Int64, String)),
    session_id        SimpleAggregateFunction(max, Tuple(UInt8, Int64, String)),
    user_id           SimpleAggregateFunction(max, Tuple(UInt8, Int64, String)),
    route             SimpleAggregateFunction(max, Tuple(UInt8, Int64, String)),
    tenant_missing    SimpleAggregateFunction(max, UInt8),
    request_type_missing SimpleAggregateFunction(max, UInt8),
    session_id_missing SimpleAggregateFunction(max, UInt8),
    user_id_missing   SimpleAggregateFunction(max, UInt8),
    route_missing     SimpleAggregateFunction(max, UInt8),
    resolved          SimpleAggregateFunction(max, UInt8),
    unresolved        SimpleAggregateFunction(max, UInt8),
    min_start         SimpleAggregateFunction(min, DateTime64(9)),
    max_start         SimpleAggregateFunction(max, DateTime64(9)),
    updated_at        SimpleAggregateFunction(max, DateTime64(3)),
    checked_at        SimpleAggregateFunction(max, DateTime64(3)),
    INDEX idx_updated updated_at TYPE minmax GRANULARITY 1
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(updated_at)
ORDER BY (project_id, trace_id)
TTL toDateTime(updated_at) + INTERVAL 7 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_context_mv TO trace_context AS
SELECT
    project_id,
    trace_id,
    max(tuple(if(v_tenant = '', 0, rank), neg_start, v_tenant)) AS tenant,
    max(tuple(if(v_request_type = '', 0, rank), neg_start, v_request_type)) AS request_type,
    max(tuple(if(v_session_id = '', 0, rank), neg_start, v_session_id)) AS session_id,
    max(tuple(if(v_user_id = '', 0, rank), neg_start, v_user_id)) AS user_id,
    max(tuple(if(v_route = '', 0, rank), neg_start, v_route)) AS route,
    max(toUInt8(v_tenant = '')) AS tenant_missing,
    max(toUInt8(v_request_type = '')) AS request_type_missing,
    max(toUInt8(v_session_id = '')) AS session_id_missing,
    max(toUInt8(v_user_id = '')) AS user_id_missing,
    max(toUInt8(v_route = '')) AS route_missing,
    max(toUInt8(v_resolved)) AS resolved,
    max(toUInt8(NOT v_resolved)) AS unresolved,
    min(v_start) AS min_start,
    max(v_start) AS max_start,
    now64(3) AS updated_at,
    toDateTime64(0, 3) AS checked_at
FROM
(
    -- Renamed, because the aggregate aliases above reuse the column names.
    SELECT
        project_id,
        trace_id,
        toUInt8(multiIf(parent_span_id = '', 3, is_root, 2, 1)) AS rank,
        -toUnixTimestamp64Nano(start_time) AS neg_start,
        toString(tenant) AS v_tenant,
        toString(request_type) AS v_request_type,
        session_id AS v_session_id,
        user_id AS v_user_id,
        toString(route) AS v_route,
        context_resolved AS v_resolved,
        start_time AS v_start
    FROM spans
)
GROUP BY project_id, trace_id;

-- Rollup hours a row rewrite touched (packages/store/src/rewrite.ts marks them; the rollup job
-- re-rolls every hour marked after it last rolled it).
CREATE TABLE IF NOT EXISTS rollup_dirty_hours
(
    project_id  LowCardinality(String),
    hour        DateTime,
    marked_at   DateTime64(3)
)
ENGINE = ReplacingMergeTree(marked_at)
ORDER BY (project_id, hour);
