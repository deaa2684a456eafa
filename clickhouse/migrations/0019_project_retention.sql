-- Retention per project (issue 15). One versioned row per project, read with FINAL; a project
-- without a row keeps the instance retention (PLUMB_RETENTION_DAYS, the spans / metric_points
-- table TTL). A project's retention is at most the instance's: the table TTL stays the upper
-- bound, and the worker's `retention` job deletes a project's older rows (lightweight DELETE)
-- when its retention is shorter. `days` = 0 means "the instance default".
CREATE TABLE IF NOT EXISTS project_retention
(
    project_id  LowCardinality(String),
    days        UInt16,
    updated_by  String,
    updated_at  DateTime64(3) DEFAULT now64(3),
    _version    UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY project_id;
