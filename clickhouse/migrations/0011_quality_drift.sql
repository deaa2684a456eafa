-- Quality and drift (issue 12): scores, delayed labels, drift monitors and their history.
--
-- scores: one row per score id (ReplacingMergeTree keyed by project and id, read with FINAL),
-- so a score sent twice with the same id counts once, and a resend with a newer _version
-- replaces it. Sent through POST /api/v1/scores, or extracted from spans (below). The scored
-- span's context is copied onto the row when the score is written (subject_start = the scored
-- span's start, or the trace's first span for a trace-level score: quality is charted by the
-- time of the request, not of the score), so quality queries need no join with spans.
CREATE TABLE IF NOT EXISTS scores
(
    project_id      LowCardinality(String),
    id              String,
    trace_id        String,
    span_id         String,
    name            LowCardinality(String),
    data_type       Enum8('numeric' = 1, 'boolean' = 2, 'categorical' = 3),
    -- numeric value; boolean as 0/1; NULL for categorical
    value           Nullable(Float64),
    -- categorical label; 'true'/'false' for boolean; the label of an OTel evaluation
    string_value    String,
    source          Enum8('human' = 1, 'llm-judge' = 2, 'code' = 3),
    comment         String CODEC(ZSTD(1)),
    scored_at       DateTime64(3),
    subject_start   DateTime64(9),
    service         LowCardinality(String),
    service_version LowCardinality(String),
    model           LowCardinality(String),
    request_type    LowCardinality(String),
    tenant          LowCardinality(String),
    _version        UInt64
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toYYYYMM(subject_start)
ORDER BY (project_id, id);

-- Scores carried by spans, extracted as they are inserted (every insert path: collectors, WAL
-- replay, row rewrites — a rewrite re-extracts the same ids, which collapse). Ids are
-- deterministic: 'otel:<span>:<event index>' and 'oi:<span>:<N>'. Source is llm-judge: both
-- conventions describe evaluator output; a span can say otherwise with `gen_ai.evaluation.source`
-- / `evaluations.N.evaluation.source` set to human or code.
CREATE MATERIALIZED VIEW IF NOT EXISTS scores_otel_mv TO scores AS
SELECT
    project_id,
    concat('otel:', span_id, ':', toString(idx)) AS id,
    trace_id,
    span_id,
    ev.attributes['gen_ai.evaluation.name'] AS name,
    if(isNull(toFloat64OrNull(ev.attributes['gen_ai.evaluation.score.value'])), 'categorical', 'numeric') AS data_type,
    toFloat64OrNull(ev.attributes['gen_ai.evaluation.score.value']) AS value,
    ev.attributes['gen_ai.evaluation.score.label'] AS string_value,
    if(ev.attributes['gen_ai.evaluation.source'] IN ('human', 'code'), ev.attributes['gen_ai.evaluation.source'], 'llm-judge') AS source,
    ev.attributes['gen_ai.evaluation.explanation'] AS comment,
    toDateTime64(ev.time, 3) AS scored_at,
    start_time AS subject_start,
    service,
    service_version,
    response_model AS model,
    request_type,
    tenant,
    _version
FROM spans
ARRAY JOIN events AS ev, arrayEnumerate(events) AS idx
WHERE ev.name = 'gen_ai.evaluation.result' AND ev.attributes['gen_ai.evaluation.name'] != '';

CREATE MATERIALIZED VIEW IF NOT EXISTS scores_openinference_mv TO scores AS
SELECT
    project_id,
    concat('oi:', span_id, ':', n) AS id,
    trace_id,
    span_id,
    attributes[concat('evaluations.', n, '.evaluation.name')] AS name,
    if(isNull(toFloat64OrNull(attributes[concat('evaluations.', n, '.evaluation.score')])), 'categorical', 'numeric') AS data_type,
    toFloat64OrNull(attributes[concat('evaluations.', n, '.evaluation.score')]) AS value,
    attributes[concat('evaluations.', n, '.evaluation.label')] AS string_value,
    if(attributes[concat('evaluations.', n, '.evaluation.source')] IN ('human', 'code'), attributes[concat('evaluations.', n, '.evaluation.source')], 'llm-judge') AS source,
    attributes[concat('evaluations.', n, '.evaluation.explanation')] AS comment,
    toDateTime64(end_time, 3) AS scored_at,
    start_time AS subject_start,
    service,
    service_version,
    response_model AS model,
    request_type,
    tenant,
    _version
FROM
(
    -- The cheap test first: most spans carry no evaluations.* key.
    SELECT * FROM spans WHERE arrayExists(k -> startsWith(k, 'evaluations.'), mapKeys(attributes))
)
ARRAY JOIN arrayDistinct(arrayFilter(x -> x != '', arrayMap(k -> extract(k, '^evaluations\\.(\\d+)\\.evaluation\\.'), mapKeys(attributes)))) AS n
WHERE attributes[concat('evaluations.', n, '.evaluation.name')] != '';

-- labels: delayed ground truth, one row per label id (default id: '<trace>:<span>:<name>', so a
-- later label for the same prediction replaces the earlier one). `name` is the label set (e.g.
-- 'intent'); accuracy compares `value` with the prediction span's predicted-label attribute.
CREATE TABLE IF NOT EXISTS labels
(
    project_id      LowCardinality(String),
    id              String,
    trace_id        String,
    span_id         String,
    name            LowCardinality(String),
    value           String,
    comment         String CODEC(ZSTD(1)),
    labeled_at      DateTime64(3),
    subject_start   DateTime64(9),
    _version        UInt64
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toYYYYMM(subject_start)
ORDER BY (project_id, id);

-- Drift monitor definitions (mutable state: versioned rows, FINAL; delete = deleted row).
-- `definition` is the JSON of the monitor (feature, filters, windows, method, thresholds);
-- `binning` the bins frozen from the reference (JSON; empty until the first evaluation of a
-- frozen reference, recomputed per evaluation for a rolling one).
CREATE TABLE IF NOT EXISTS drift_monitors
(
    project_id  LowCardinality(String),
    id          String,
    name        String,
    definition  String,
    binning     String,
    created_at  DateTime64(3),
    updated_at  DateTime64(3),
    deleted     Bool DEFAULT false,
    _version    UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (project_id, id);

-- One row per evaluation; an evaluation of the same current window again replaces it.
CREATE TABLE IF NOT EXISTS drift_results
(
    project_id    LowCardinality(String),
    monitor_id    String,
    current_from  DateTime64(3),
    current_to    DateTime64(3),
    reference_from DateTime64(3),
    reference_to  DateTime64(3),
    method        LowCardinality(String),
    score         Float64,
    p_value       Nullable(Float64),
    psi           Float64,
    js            Float64,
    flagged       Bool,
    severity      LowCardinality(String),
    n_ref         UInt64,
    n_cur         UInt64,
    result        String CODEC(ZSTD(1)),
    evaluated_at  DateTime64(3),
    _version      UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (project_id, monitor_id, current_to);

-- Per-hour counts of a monitor's bins (numeric: key = bin index; categorical: key = the value),
-- for one frozen binning (binning_key = hash of its JSON). Closed hours are counted once and
-- summed at evaluation, so an evaluation scans only the hours not counted yet plus the partial
-- hours at the window edges. A row with key '' and n = 0 marks an hour as counted (empty hours too).
CREATE TABLE IF NOT EXISTS drift_bin_counts
(
    project_id   LowCardinality(String),
    monitor_id   String,
    binning_key  String,
    hour         DateTime,
    key          String,
    n            UInt64,
    distinct_upto UInt8,
    _version     UInt64
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toYYYYMM(hour)
ORDER BY (project_id, monitor_id, binning_key, hour, key)
TTL hour + INTERVAL 120 DAY;
