-- The per-trace materialized views on `spans` (trace_context 0006, trace_heads / trace_hours
-- 0007, trace_index 0001), rewritten to cost less engine CPU per insert while writing exactly
-- what the old definitions wrote: same target tables, same rows, same aggregate states
-- (packages/store/src/trace-views.test.ts inserts varied spans through the old definitions,
-- read from those migrations, and through these, and compares the targets).
--
-- Where the cost was (`npm run bench:views`, apps/plumb/src/bench/views.ts): every view pays a
-- fixed price per INSERT (its SELECT is analyzed and planned again for every block: each
-- function call in it counts, no-op casts included) plus a price per row. trace_context's
-- per-row price came from its five max((rank, -start, value)) over every span: a tuple max
-- compares generic values row by row. It now first groups the block by
-- (trace, rank, context values): spans of one trace carry the same context (the collector copies
-- it onto every span), so that leaves ~2 rows per trace instead of ~16, and the five tuple maxes
-- run over those. Exact: inside such a group rank and values are equal, so the group's best
-- tuple is (rank or 0, -its earliest start, value). The other views only drop no-op casts
-- (empty / NOT already give UInt8; max(if(root, name, '')) = maxIf(name, root): '' is the
-- smallest string and the default of an empty maxIf).
--
-- Replacement without a gap: each new view is created (new name) before the old one is dropped,
-- so a span inserted meanwhile feeds one or both. Both is harmless: every column of these tables
-- is min / max / argMin / uniqExact, which a duplicate input does not change.

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_context_mv2 TO trace_context AS
SELECT
    project_id,
    trace_id,
    max((if(v_tenant = '', 0, rank), neg_start, v_tenant)) AS tenant,
    max((if(v_request_type = '', 0, rank), neg_start, v_request_type)) AS request_type,
    max((if(v_session_id = '', 0, rank), neg_start, v_session_id)) AS session_id,
    max((if(v_user_id = '', 0, rank), neg_start, v_user_id)) AS user_id,
    max((if(v_route = '', 0, rank), neg_start, v_route)) AS route,
    max(v_tenant = '') AS tenant_missing,
    max(v_request_type = '') AS request_type_missing,
    max(v_session_id = '') AS session_id_missing,
    max(v_user_id = '') AS user_id_missing,
    max(v_route = '') AS route_missing,
    max(v_resolved) AS resolved,
    max(NOT v_resolved) AS unresolved,
    min(v_min) AS min_start,
    max(v_max) AS max_start,
    now64(3) AS updated_at,
    toDateTime64(0, 3) AS checked_at
FROM
(
    -- One row per (trace, rank, context values) of the block; renamed, because the aggregate
    -- aliases above reuse the column names.
    SELECT
        project_id,
        trace_id,
        rank,
        tenant AS v_tenant,
        request_type AS v_request_type,
        session_id AS v_session_id,
        user_id AS v_user_id,
        route AS v_route,
        context_resolved AS v_resolved,
        min(start_time) AS v_min,
        max(start_time) AS v_max,
        -toUnixTimestamp64Nano(v_min) AS neg_start
    FROM spans
    GROUP BY project_id, trace_id, multiIf(parent_span_id = '', 3, is_root, 2, 1) AS rank,
        tenant, request_type, session_id, user_id, route, context_resolved
)
GROUP BY project_id, trace_id;

DROP VIEW IF EXISTS trace_context_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_heads_mv2 TO trace_heads AS
SELECT
    project_id,
    trace_id,
    min(start_time) AS first_start,
    max(empty(parent_span_id)) AS has_true_root,
    argMinState(span_id, (notEmpty(parent_span_id), NOT is_root, start_time, span_id)) AS head
FROM spans
GROUP BY project_id, trace_id;

DROP VIEW IF EXISTS trace_heads_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_hours_mv2 TO trace_hours AS
SELECT project_id, toStartOfHour(start_time) AS hour, trace_id, max(empty(parent_span_id)) AS has_true_root
FROM spans
GROUP BY project_id, hour, trace_id;

DROP VIEW IF EXISTS trace_hours_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_index_mv2 TO trace_index AS
SELECT
    project_id,
    trace_id,
    min(start_time) AS start_time,
    max(end_time) AS end_time,
    uniqExactState(span_id) AS span_ids,
    maxIf(name, empty(parent_span_id)) AS root_name
FROM spans
GROUP BY project_id, trace_id;

DROP VIEW IF EXISTS trace_index_mv;
