-- Metrics ingest at >= 100k data points/s (issue 11): a narrower metric_points row.
--
-- Measured (bench:metrics, raw engine insert of the same pre-serialized rows, CPU-seconds per
-- 100k points): the 0010 row cost ~1.0-1.3; the Map column of point attributes (with the
-- sipHash64 over it for `series_id`) was ~0.5 of that and LowCardinality dictionaries on a
-- 10k-row insert most of the rest; without both the row costs ~0.4.
--
-- So, from this migration:
-- * `metric_series` holds each series' identity once: its attributes map, resource hash and
--   scope, keyed by `series_id`. The collector writes a series row the first time it sees the
--   series (like `span_resources`); copies collapse (ReplacingMergeTree).
-- * `metric_points` no longer carries `attributes`, `resource_hash` or `scope_name`;
--   `series_id` is computed by the collector (store metric-points.ts: the first 8 bytes of
--   SHA-1 over name, type, resource hash and the attributes as key/value pairs in the sender's
--   order, NUL-separated), with the same expression as below for migrated rows, so a series
--   seen before and after the upgrade keeps one id (its rates stay continuous).
-- * string columns are plain String: LowCardinality's per-insert dictionaries cost more on the
--   insert path than they save for this table's reads.
-- Dedupe is unchanged: (project, name, series_id, time, start_time) is the sorting key.
CREATE TABLE IF NOT EXISTS metric_series
(
    project_id     String,
    series_id      UInt64,
    name           String,
    type           Enum8('gauge' = 1, 'sum' = 2, 'histogram' = 3, 'exponential_histogram' = 4, 'summary' = 5),
    resource_hash  UInt64,
    scope_name     String,
    attributes     Map(String, String) CODEC(ZSTD(1))
)
ENGINE = ReplacingMergeTree
ORDER BY (project_id, series_id);

CREATE TABLE IF NOT EXISTS metric_points_0022
(
    project_id           String,
    name                 String,
    type                 Enum8('gauge' = 1, 'sum' = 2, 'histogram' = 3, 'exponential_histogram' = 4, 'summary' = 5),
    unit                 String,
    temporality          Enum8('unspecified' = 0, 'delta' = 1, 'cumulative' = 2),
    monotonic            Bool,
    time                 DateTime64(9),
    start_time           DateTime64(9),
    series_id            UInt64,
    service              String,
    host                 String,
    k8s_namespace        String,
    k8s_pod              String,
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
    canonical            String,
    canonical_value      Nullable(Float64),
    gpu_uuid             String,
    gpu_index            String,
    gpu_model            String,
    model_name           String
)
ENGINE = ReplacingMergeTree
PARTITION BY toDate(time)
ORDER BY (project_id, name, series_id, time, start_time);

INSERT INTO metric_series (project_id, series_id, name, type, resource_hash, scope_name, attributes)
SELECT project_id,
    reinterpretAsUInt64(reverse(substring(SHA1(concat(name, '\0', toString(type), '\0', toString(resource_hash),
        arrayStringConcat(arrayMap((k, v) -> concat('\0', k, '\0', v), mapKeys(attributes), mapValues(attributes))))), 1, 8))) AS sid,
    name, type, resource_hash, scope_name, attributes
FROM metric_points
LIMIT 1 BY project_id, sid;

INSERT INTO metric_points_0022
SELECT project_id, name, type, unit, temporality, monotonic, time, start_time,
    reinterpretAsUInt64(reverse(substring(SHA1(concat(name, '\0', toString(type), '\0', toString(resource_hash),
        arrayStringConcat(arrayMap((k, v) -> concat('\0', k, '\0', v), mapKeys(attributes), mapValues(attributes))))), 1, 8))),
    service, host, k8s_namespace, k8s_pod, value, count, sum, min, max, bounds, bucket_counts, exp_scale, exp_zero_count,
    exp_zero_threshold, exp_positive_offset, exp_positive, exp_negative_offset, exp_negative, quantiles, quantile_values, flags,
    canonical, canonical_value, gpu_uuid, gpu_index, gpu_model, model_name
FROM metric_points;

-- SYNC: in cluster mode the new replicated table takes the same Keeper path as the old one,
-- which an Atomic database's delayed drop would still hold.
DROP TABLE IF EXISTS metric_points SYNC;

-- The same definition under the old name (written out: `AS other_table` would copy the temporary
-- table's engine path in cluster mode).
CREATE TABLE IF NOT EXISTS metric_points
(
    project_id           String,
    name                 String,
    type                 Enum8('gauge' = 1, 'sum' = 2, 'histogram' = 3, 'exponential_histogram' = 4, 'summary' = 5),
    unit                 String,
    temporality          Enum8('unspecified' = 0, 'delta' = 1, 'cumulative' = 2),
    monotonic            Bool,
    time                 DateTime64(9),
    start_time           DateTime64(9),
    series_id            UInt64,
    service              String,
    host                 String,
    k8s_namespace        String,
    k8s_pod              String,
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
    canonical            String,
    canonical_value      Nullable(Float64),
    gpu_uuid             String,
    gpu_index            String,
    gpu_model            String,
    model_name           String
)
ENGINE = ReplacingMergeTree
PARTITION BY toDate(time)
ORDER BY (project_id, name, series_id, time, start_time);

INSERT INTO metric_points SELECT * FROM metric_points_0022;

DROP TABLE IF EXISTS metric_points_0022 SYNC;
