-- OTLP metrics (issue 11): every data point of every metric type, stored generically.
--
-- One row per data point. The metric's identity (name, type, unit, temporality, monotonic) is on
-- every row; the resource map lives once per hash in `span_resources` (shared with spans: same
-- hash, same collapse), the keys GPU queries group by are columns. Values by type:
--   gauge / sum            value
--   histogram              count, sum, min, max, bounds, bucket_counts
--   exponential_histogram  count, sum, min, max, exp_*
--   summary                count, sum, quantiles, quantile_values
-- `value`, `sum`, `min`, `max` are NULL when the sender left them out (or sent NaN: a Prometheus
-- staleness marker).
--
-- Dedupe: the point's identity is (project, name, series_id, time, start_time), the sorting key,
-- so a point re-delivered by a retrying exporter (or replayed from the WAL after a crash)
-- collapses into one row; readers use FINAL. `series_id` is computed by the engine from the
-- metric name, type, resource hash and the point's attributes.
--
-- Normalized view (packages/semconv metrics/gpu.ts, applied at ingest): `canonical` names what
-- the point measures in Plumb's terms (e.g. `gpu.utilization`, `gpu.memory.used_bytes`,
-- `inference.requests_waiting`; '' for other metrics) and `canonical_value` its value in the
-- canonical unit (ratio 0–1, bytes, watts, °C); `gpu_uuid`, `gpu_index`, `gpu_model`,
-- `model_name` are taken from the convention's labels. `host` is the resource's host.name, else
-- the point's Hostname / hostname label.
CREATE TABLE IF NOT EXISTS metric_points
(
    project_id           LowCardinality(String),
    name                 LowCardinality(String),
    type                 Enum8('gauge' = 1, 'sum' = 2, 'histogram' = 3, 'exponential_histogram' = 4, 'summary' = 5),
    unit                 LowCardinality(String),
    temporality          Enum8('unspecified' = 0, 'delta' = 1, 'cumulative' = 2),
    monotonic            Bool,
    time                 DateTime64(9),
    start_time           DateTime64(9),
    attributes           Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    resource_hash        UInt64,
    series_id            UInt64 DEFAULT sipHash64(name, type, resource_hash, attributes),
    scope_name           LowCardinality(String),
    service              LowCardinality(String),
    host                 LowCardinality(String),
    k8s_namespace        LowCardinality(String),
    k8s_pod              LowCardinality(String),
    value                Nullable(Float64),
    count                UInt64,
    sum                  Nullable(Float64),
    min                  Nullable(Float64),
    max                  Nullable(Float64),
    bounds               Array(Float64),
    bucket_counts        Array(UInt64),
    exp_scale            Int32,
    exp_zero_count       UInt64,
    exp_zero_threshold   Float64,
    exp_positive_offset  Int32,
    exp_positive         Array(UInt64),
    exp_negative_offset  Int32,
    exp_negative         Array(UInt64),
    quantiles            Array(Float64),
    quantile_values      Array(Float64),
    flags                UInt32,
    canonical            LowCardinality(String),
    canonical_value      Nullable(Float64),
    gpu_uuid             LowCardinality(String),
    gpu_index            LowCardinality(String),
    gpu_model            LowCardinality(String),
    model_name           LowCardinality(String)
)
ENGINE = ReplacingMergeTree
PARTITION BY toDate(time)
ORDER BY (project_id, name, series_id, time, start_time);
