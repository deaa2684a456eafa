-- Span fields the latency, cost and quality views group by (shared by the ingest and read-path
-- work): whether the span is its process's root (no parent, or a parent flagged remote in the
-- OTLP span flags), the host (promoted from the resource), the request's route (`http.route` of
-- the request, else the root span name; trace-level context like tenant) and the model call's
-- finish reason, normalized across conventions.
ALTER TABLE spans ADD COLUMN IF NOT EXISTS is_root Bool DEFAULT empty(parent_span_id) AFTER parent_span_id;
ALTER TABLE spans ADD COLUMN IF NOT EXISTS host LowCardinality(String) DEFAULT resource_attributes['host.name'] AFTER environment;
ALTER TABLE spans ADD COLUMN IF NOT EXISTS route LowCardinality(String) AFTER request_type;
ALTER TABLE spans ADD COLUMN IF NOT EXISTS finish_reason LowCardinality(String) AFTER response_model;
