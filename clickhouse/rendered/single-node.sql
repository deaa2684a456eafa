-- 0001_spans
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
    usage_counted       Bool,
    ttft_ms             Nullable(Float64),
    cost_usd            Decimal(18, 12),
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
    INDEX idx_tenant tenant TYPE set(256) GRANULARITY 4,
    INDEX idx_duration duration_ns TYPE minmax GRANULARITY 1
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toDate(start_time)
ORDER BY (project_id, toStartOfHour(start_time), trace_id, span_id);

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

-- 0002_projects_keys_prices
CREATE TABLE IF NOT EXISTS projects
(
    id          String,
    name        String,
    created_at  DateTime64(3) DEFAULT now64(3),
    _version    UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY id;

CREATE TABLE IF NOT EXISTS api_keys
(
    id          String,
    project_id  String,
    name        String,
    key_hash    String,
    key_prefix  String,
    scopes      Array(LowCardinality(String)),
    created_at  DateTime64(3) DEFAULT now64(3),
    revoked     Bool DEFAULT false,
    _version    UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY id;

CREATE TABLE IF NOT EXISTS price_overrides
(
    project_id              String,
    id                      String,
    provider                String,
    model_pattern           String,
    effective_from          DateTime64(3),
    input_per_mtok          String,
    output_per_mtok         String,
    cache_read_per_mtok     String,
    cache_write_per_mtok    String,
    reasoning_per_mtok      String,
    deleted                 Bool DEFAULT false,
    _version                UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (project_id, id);

-- 0003_users_sessions
CREATE TABLE IF NOT EXISTS users
(
    id              String,
    email           String,
    name            String,
    password_hash   String,
    role            LowCardinality(String),
    created_at      DateTime64(3) DEFAULT now64(3),
    disabled        Bool DEFAULT false,
    _version        UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY id;

CREATE TABLE IF NOT EXISTS sessions
(
    token_hash      String,
    user_id         String,
    created_at      DateTime64(3) DEFAULT now64(3),
    expires_at      DateTime64(3),
    revoked         Bool DEFAULT false,
    _version        UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY token_hash
TTL toDateTime(expires_at) + INTERVAL 1 DAY;

-- 0004_span_dimensions
ALTER TABLE spans ADD COLUMN IF NOT EXISTS is_root Bool DEFAULT empty(parent_span_id) AFTER parent_span_id;

ALTER TABLE spans ADD COLUMN IF NOT EXISTS host LowCardinality(String) DEFAULT resource_attributes['host.name'] AFTER environment;

ALTER TABLE spans ADD COLUMN IF NOT EXISTS route LowCardinality(String) AFTER request_type;

ALTER TABLE spans ADD COLUMN IF NOT EXISTS finish_reason LowCardinality(String) AFTER response_model;

-- 0005_span_resources
CREATE TABLE IF NOT EXISTS span_resources
(
    project_id     LowCardinality(String),
    resource_hash  UInt64,
    attributes     Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    first_seen     DateTime64(3) DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY (project_id, resource_hash);

ALTER TABLE spans ADD COLUMN IF NOT EXISTS resource_hash UInt64 DEFAULT sipHash64(resource_attributes) AFTER host;

ALTER TABLE spans ADD COLUMN IF NOT EXISTS service_instance LowCardinality(String) DEFAULT resource_attributes['service.instance.id'] AFTER resource_hash;

ALTER TABLE spans ADD COLUMN IF NOT EXISTS k8s_namespace LowCardinality(String) DEFAULT resource_attributes['k8s.namespace.name'] AFTER service_instance;

ALTER TABLE spans ADD COLUMN IF NOT EXISTS k8s_pod LowCardinality(String) DEFAULT resource_attributes['k8s.pod.name'] AFTER k8s_namespace;

ALTER TABLE spans ADD COLUMN IF NOT EXISTS attributes_promoted UInt32 AFTER attributes;

INSERT INTO span_resources (project_id, resource_hash, attributes)
SELECT project_id, sipHash64(resource_attributes) AS h, any(resource_attributes) FROM spans GROUP BY project_id, h;

ALTER TABLE spans MATERIALIZE COLUMN host SETTINGS mutations_sync = 2;

ALTER TABLE spans MATERIALIZE COLUMN resource_hash SETTINGS mutations_sync = 2;

ALTER TABLE spans MATERIALIZE COLUMN service_instance SETTINGS mutations_sync = 2;

ALTER TABLE spans MATERIALIZE COLUMN k8s_namespace SETTINGS mutations_sync = 2;

ALTER TABLE spans MATERIALIZE COLUMN k8s_pod SETTINGS mutations_sync = 2;

ALTER TABLE spans MODIFY COLUMN host REMOVE DEFAULT;

ALTER TABLE spans MODIFY COLUMN resource_hash REMOVE DEFAULT;

ALTER TABLE spans MODIFY COLUMN service_instance REMOVE DEFAULT;

ALTER TABLE spans MODIFY COLUMN k8s_namespace REMOVE DEFAULT;

ALTER TABLE spans MODIFY COLUMN k8s_pod REMOVE DEFAULT;

ALTER TABLE spans DROP COLUMN IF EXISTS resource_attributes SETTINGS mutations_sync = 2;

-- 0006_trace_context
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

CREATE TABLE IF NOT EXISTS rollup_dirty_hours
(
    project_id  LowCardinality(String),
    hour        DateTime,
    marked_at   DateTime64(3)
)
ENGINE = ReplacingMergeTree(marked_at)
ORDER BY (project_id, hour);

-- 0007_rollups_leases
CREATE TABLE IF NOT EXISTS rollup_dirty_hours
(
    project_id  LowCardinality(String),
    hour        DateTime,
    marked_at   DateTime64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY (project_id, hour);

CREATE TABLE IF NOT EXISTS trace_heads
(
    project_id      LowCardinality(String),
    trace_id        String,
    first_start     SimpleAggregateFunction(min, DateTime64(9)),
    has_true_root   SimpleAggregateFunction(max, UInt8),
    head            AggregateFunction(argMin, String, Tuple(UInt8, UInt8, DateTime64(9), String))
)
ENGINE = AggregatingMergeTree
ORDER BY (project_id, trace_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_heads_mv TO trace_heads AS
SELECT
    project_id,
    trace_id,
    min(start_time) AS first_start,
    max(toUInt8(empty(parent_span_id))) AS has_true_root,
    argMinState(span_id, (toUInt8(NOT empty(parent_span_id)), toUInt8(NOT is_root), start_time, span_id)) AS head
FROM spans
GROUP BY project_id, trace_id;

INSERT INTO trace_heads
SELECT
    project_id,
    trace_id,
    min(start_time) AS first_start,
    max(toUInt8(empty(parent_span_id))) AS has_true_root,
    argMinState(span_id, (toUInt8(NOT empty(parent_span_id)), toUInt8(NOT is_root), start_time, span_id)) AS head
FROM spans
GROUP BY project_id, trace_id;

CREATE TABLE IF NOT EXISTS trace_hours
(
    project_id      LowCardinality(String),
    hour            DateTime,
    trace_id        String,
    has_true_root   SimpleAggregateFunction(max, UInt8)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (project_id, hour, trace_id)
TTL hour + toIntervalDay(400);

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_hours_mv TO trace_hours AS
SELECT project_id, toStartOfHour(start_time) AS hour, trace_id, max(toUInt8(empty(parent_span_id))) AS has_true_root
FROM spans
GROUP BY project_id, hour, trace_id;

INSERT INTO trace_hours
SELECT project_id, toStartOfHour(start_time) AS hour, trace_id, max(toUInt8(empty(parent_span_id))) AS has_true_root
FROM spans
GROUP BY project_id, hour, trace_id;

CREATE TABLE IF NOT EXISTS rollup_hourly
(
    project_id          LowCardinality(String),
    hour                DateTime,
    build               UInt64,
    tenant              LowCardinality(String),
    request_type        LowCardinality(String),
    request_model       LowCardinality(String),
    response_model      LowCardinality(String),
    provider            LowCardinality(String),
    agent_name          LowCardinality(String),
    service             LowCardinality(String),
    service_version     LowCardinality(String),
    environment         LowCardinality(String),
    host                LowCardinality(String),
    route               LowCardinality(String),
    finish_reason       LowCardinality(String),
    status_code         Enum8('unset' = 0, 'ok' = 1, 'error' = 2),
    category            LowCardinality(String),
    usage_counted       Bool,
    is_request          Bool,
    pricing_status      Enum8('none' = 0, 'priced' = 1, 'unpriced' = 2),
    spans               SimpleAggregateFunction(sum, UInt64),
    duration_ns         SimpleAggregateFunction(sum, UInt64),
    latency_ms          AggregateFunction(quantilesDD(0.01, 0.5, 0.95, 0.99), Float64),
    request_latency_ms  AggregateFunction(quantilesDD(0.01, 0.5, 0.95, 0.99), Float64),
    ttft_count          SimpleAggregateFunction(sum, UInt64),
    ttft_ms             AggregateFunction(quantilesDD(0.01, 0.5, 0.95, 0.99), Float64),
    input_tokens        SimpleAggregateFunction(sum, UInt64),
    output_tokens       SimpleAggregateFunction(sum, UInt64),
    cache_read_tokens   SimpleAggregateFunction(sum, UInt64),
    cache_write_tokens  SimpleAggregateFunction(sum, UInt64),
    reasoning_tokens    SimpleAggregateFunction(sum, UInt64),
    cost_usd            SimpleAggregateFunction(sum, Decimal(38, 12))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (project_id, hour, build, tenant, request_model, agent_name, request_type, status_code, is_request, usage_counted,
          category, pricing_status, response_model, provider, service, service_version, environment, host, route, finish_reason)
TTL hour + toIntervalDay(400);

CREATE TABLE IF NOT EXISTS rollup_builds
(
    project_id          LowCardinality(String),
    hour                DateTime,
    build               UInt64,
    built_at            DateTime64(3),
    source_ingested_at  DateTime64(3),
    capped              Array(LowCardinality(String))
)
ENGINE = ReplacingMergeTree(build)
ORDER BY (project_id, hour);

CREATE TABLE IF NOT EXISTS job_leases
(
    job         LowCardinality(String),
    term        UInt64,
    holder      String,
    nonce       UInt64,
    kind        Enum8('claim' = 1, 'renew' = 2, 'release' = 3),
    claimed_at  DateTime64(6),
    expires_at  DateTime64(6)
)
ENGINE = MergeTree
ORDER BY (job, term, claimed_at)
TTL toDateTime(claimed_at) + toIntervalDay(7);

-- 0008_memberships
CREATE TABLE IF NOT EXISTS memberships
(
    project_id  String,
    user_id     String,
    role        LowCardinality(String),
    created_at  DateTime64(3) DEFAULT now64(3),
    removed     Bool DEFAULT false,
    _version    UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (project_id, user_id);

INSERT INTO memberships (project_id, user_id, role, _version)
SELECT p.id, u.id, if(u.role = 'admin', 'admin', 'viewer'), 1
FROM (SELECT id FROM projects FINAL) AS p
CROSS JOIN (SELECT id, role FROM users FINAL WHERE NOT disabled) AS u;

-- 0009_rollup_core
CREATE TABLE IF NOT EXISTS rollup_hourly_core
(
    project_id          LowCardinality(String),
    hour                DateTime,
    build               UInt64,
    status_code         Enum8('unset' = 0, 'ok' = 1, 'error' = 2),
    category            LowCardinality(String),
    usage_counted       Bool,
    is_request          Bool,
    pricing_status      Enum8('none' = 0, 'priced' = 1, 'unpriced' = 2),
    spans               SimpleAggregateFunction(sum, UInt64),
    duration_ns         SimpleAggregateFunction(sum, UInt64),
    latency_ms          AggregateFunction(quantilesDD(0.01, 0.5, 0.95, 0.99), Float64),
    request_latency_ms  AggregateFunction(quantilesDD(0.01, 0.5, 0.95, 0.99), Float64),
    ttft_count          SimpleAggregateFunction(sum, UInt64),
    ttft_ms             AggregateFunction(quantilesDD(0.01, 0.5, 0.95, 0.99), Float64),
    input_tokens        SimpleAggregateFunction(sum, UInt64),
    output_tokens       SimpleAggregateFunction(sum, UInt64),
    cache_read_tokens   SimpleAggregateFunction(sum, UInt64),
    cache_write_tokens  SimpleAggregateFunction(sum, UInt64),
    reasoning_tokens    SimpleAggregateFunction(sum, UInt64),
    cost_usd            SimpleAggregateFunction(sum, Decimal(38, 12))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (project_id, hour, build, is_request, usage_counted, category, status_code, pricing_status)
TTL hour + toIntervalDay(400);

INSERT INTO rollup_hourly_core
SELECT project_id, hour, build, status_code, category, usage_counted, is_request, pricing_status,
    sum(spans), sum(duration_ns),
    quantilesDDMergeState(0.01, 0.5, 0.95, 0.99)(latency_ms),
    quantilesDDMergeState(0.01, 0.5, 0.95, 0.99)(request_latency_ms),
    sum(ttft_count),
    quantilesDDMergeState(0.01, 0.5, 0.95, 0.99)(ttft_ms),
    sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens),
    sum(cost_usd)
FROM rollup_hourly
GROUP BY project_id, hour, build, status_code, category, usage_counted, is_request, pricing_status;

-- 0010_metric_points
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

-- 0011_quality_drift
CREATE TABLE IF NOT EXISTS scores
(
    project_id      LowCardinality(String),
    id              String,
    trace_id        String,
    span_id         String,
    name            LowCardinality(String),
    data_type       Enum8('numeric' = 1, 'boolean' = 2, 'categorical' = 3),
    value           Nullable(Float64),
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
    SELECT * FROM spans WHERE arrayExists(k -> startsWith(k, 'evaluations.'), mapKeys(attributes))
)
ARRAY JOIN arrayDistinct(arrayFilter(x -> x != '', arrayMap(k -> extract(k, '^evaluations\\.(\\d+)\\.evaluation\\.'), mapKeys(attributes)))) AS n
WHERE attributes[concat('evaluations.', n, '.evaluation.name')] != '';

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

-- 0012_prices_reprice
CREATE TABLE IF NOT EXISTS prices
(
    project_id      String,
    price_id        String,
    source          LowCardinality(String),
    source_date     String,
    provider        String,
    model           String,
    unit            LowCardinality(String),
    effective_from  DateTime64(3),
    effective_to    Nullable(DateTime64(3)),
    input           Array(Tuple(Int64, Decimal(38, 12))),
    cache_read      Array(Tuple(Int64, Decimal(38, 12))),
    cache_write     Array(Tuple(Int64, Decimal(38, 12))),
    output          Array(Tuple(Int64, Decimal(38, 12))),
    reasoning       Array(Tuple(Int64, Decimal(38, 12))),
    gpu_hour_usd    Decimal(38, 12),
    deleted         Bool DEFAULT false,
    _version        UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (project_id, price_id);

CREATE TABLE IF NOT EXISTS reprice_runs
(
    project_id      String,
    id              String,
    requested_by    String,
    requested_at    DateTime64(3),
    range_from      DateTime64(3),
    range_to        DateTime64(3),
    state           LowCardinality(String),
    hours_total     UInt32,
    hours_done      UInt32,
    rows_rewritten  UInt64,
    old_total_usd   Decimal(38, 12),
    new_total_usd   Decimal(38, 12),
    old_unpriced    UInt64,
    new_unpriced    UInt64,
    error           String,
    finished_at     Nullable(DateTime64(3)),
    _version        UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (project_id, id);

ALTER TABLE price_overrides ADD COLUMN IF NOT EXISTS effective_to Nullable(DateTime64(3)) AFTER effective_from;

CREATE TABLE IF NOT EXISTS budgets
(
    project_id   String,
    id           String,
    scope        LowCardinality(String),
    tenant       String,
    monthly_usd  Decimal(38, 12),
    created_by   String,
    deleted      Bool DEFAULT false,
    _version     UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (project_id, id);

CREATE TABLE IF NOT EXISTS month_closes
(
    project_id     String,
    month          Date,
    state          LowCardinality(String),
    close_version  UInt64,
    by             String,
    at             DateTime64(3),
    total_usd      Decimal(38, 12),
    _version       UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (project_id, month);

CREATE TABLE IF NOT EXISTS month_snapshots
(
    project_id     String,
    month          Date,
    close_version  UInt64,
    chunk          UInt32,
    body           String
)
ENGINE = ReplacingMergeTree
ORDER BY (project_id, month, close_version, chunk);

CREATE TABLE IF NOT EXISTS month_close_log
(
    project_id  String,
    month       Date,
    action      LowCardinality(String),
    by          String,
    at          DateTime64(3) DEFAULT now64(3),
    reason      String,
    total_usd   Decimal(38, 12)
)
ENGINE = MergeTree
ORDER BY (project_id, month, at);

-- 0013_request_stages
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

-- 0014_rollup_latency
CREATE TABLE IF NOT EXISTS rollup_latency_hourly
(
    project_id          LowCardinality(String),
    hour                DateTime,
    build               UInt64,
    dimension           LowCardinality(String),
    value               String,
    status_code         Enum8('unset' = 0, 'ok' = 1, 'error' = 2),
    spans               SimpleAggregateFunction(sum, UInt64),
    duration_ns         SimpleAggregateFunction(sum, UInt64),
    latency_ms          AggregateFunction(quantilesDD(0.01, 0.5, 0.95, 0.99), Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (project_id, dimension, hour, build, value, status_code)
TTL hour + toIntervalDay(400);

INSERT INTO rollup_latency_hourly
SELECT project_id, hour, build, dv.1 AS dimension, dv.2 AS value, status_code,
    sum(spans), sum(duration_ns), quantilesDDMergeState(0.01, 0.5, 0.95, 0.99)(latency_ms)
FROM rollup_hourly
ARRAY JOIN [('tenant', tenant), ('request_type', request_type), ('route', route), ('environment', environment), ('service', service),
            ('service_version', service_version), ('model', request_model), ('response_model', response_model), ('provider', provider),
            ('agent', agent_name)] AS dv
WHERE multiIf(dv.1 IN ('model', 'response_model', 'provider'), usage_counted, dv.1 = 'agent', category = 'agent', is_request)
GROUP BY project_id, hour, build, dimension, value, status_code;

-- 0015_quality_measures
ALTER TABLE scores ADD COLUMN IF NOT EXISTS _ingested_at DateTime64(3) DEFAULT now64(3);

ALTER TABLE scores MATERIALIZE COLUMN _ingested_at;

-- 0016_month_close_rows
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

-- 0017_gpu_hour_prices
CREATE TABLE IF NOT EXISTS gpu_hour_prices
(
    project_id        String,
    id                String,
    match_kind        LowCardinality(String),
    match             String,
    usd_per_gpu_hour  Decimal(38, 12),
    effective_from    DateTime64(3),
    effective_to      Nullable(DateTime64(3)),
    updated_by        String,
    deleted           Bool DEFAULT false,
    _version          UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (project_id, id);

-- 0018_security
CREATE TABLE IF NOT EXISTS project_content_settings
(
    project_id          String,
    capture             LowCardinality(String) DEFAULT 'keep',
    capture_max_bytes   UInt32 DEFAULT 0,
    redact_keys         Array(String),
    redact_patterns     Array(String),
    max_value_bytes     UInt32 DEFAULT 0,
    max_span_bytes      UInt32 DEFAULT 0,
    _version            UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY project_id;

CREATE TABLE IF NOT EXISTS project_signing_keys
(
    project_id      String,
    id              String,
    public_key      String,
    private_key     String,
    created_at      DateTime64(3) DEFAULT now64(3),
    retired         Bool DEFAULT false,
    _version        UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (project_id, id);

-- 0019_project_retention
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

-- 0020_alerts
CREATE TABLE IF NOT EXISTS alert_rules
(
    project_id  String,
    id          String,
    name        String,
    spec        String,
    created_by  String,
    updated_at  DateTime64(3),
    deleted     Bool DEFAULT false,
    _version    UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (project_id, id);

CREATE TABLE IF NOT EXISTS alert_instances
(
    project_id    String,
    rule_id       String,
    fingerprint   String,
    state         LowCardinality(String),
    severity      LowCardinality(String),
    value         Nullable(Float64),
    evaluated_at  DateTime64(3),
    data          String,
    _version      UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (project_id, rule_id, fingerprint)
TTL toDateTime(evaluated_at) + INTERVAL 30 DAY;

CREATE TABLE IF NOT EXISTS alert_transitions
(
    project_id   String,
    rule_id      String,
    fingerprint  String,
    at           DateTime64(3),
    from_state   LowCardinality(String),
    to_state     LowCardinality(String),
    severity     LowCardinality(String),
    value        Nullable(Float64),
    reason       String,
    labels       Map(String, String),
    _version     UInt64
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toYYYYMM(at)
ORDER BY (project_id, rule_id, fingerprint, at)
TTL toDateTime(at) + INTERVAL 180 DAY;

CREATE TABLE IF NOT EXISTS alert_silences
(
    project_id  String,
    id          String,
    matchers    String,
    starts_at   DateTime64(3),
    ends_at     DateTime64(3),
    created_by  String,
    comment     String,
    deleted     Bool DEFAULT false,
    _version    UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (project_id, id);

CREATE TABLE IF NOT EXISTS alert_contact_points
(
    project_id          String,
    id                  String,
    name                String,
    kind                LowCardinality(String),
    url                 String,
    secret              String,
    group_by            Array(String),
    group_wait_ms       UInt64,
    group_interval_ms   UInt64,
    repeat_interval_ms  UInt64,
    send_resolved       Bool,
    max_alerts          UInt32,
    deleted             Bool DEFAULT false,
    _version            UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (project_id, id);

CREATE TABLE IF NOT EXISTS alert_groups
(
    project_id        String,
    contact_point_id  String,
    group_key         String,
    group_labels      Map(String, String),
    first_seen_at     Nullable(DateTime64(3)),
    last_notified_at  Nullable(DateTime64(3)),
    notified_firing   Array(String),
    _version          UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (project_id, contact_point_id, group_key);

CREATE TABLE IF NOT EXISTS alert_deliveries
(
    project_id        String,
    id                String,
    contact_point_id  String,
    kind              LowCardinality(String),
    group_key         String,
    at                DateTime64(3),
    attempt           UInt8,
    outcome           LowCardinality(String),
    http_status       UInt16,
    error             String,
    reason            String,
    firing            UInt32,
    resolved          UInt32,
    fingerprints      Array(String),
    duration_ms       UInt32,
    payload           String CODEC(ZSTD(1))
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (project_id, at, id)
TTL toDateTime(at) + INTERVAL 30 DAY;

-- 0022_metric_series
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

DROP TABLE IF EXISTS metric_points SYNC;

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

-- 0023_drift_bin_stats
ALTER TABLE drift_bin_counts
    ADD COLUMN IF NOT EXISTS v_min Float64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS v_max Float64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS v_sum Float64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS v_sq Float64 DEFAULT 0;

-- 0024_gpu_hour_pricing
ALTER TABLE price_overrides ADD COLUMN IF NOT EXISTS unit LowCardinality(String) DEFAULT 'token' AFTER effective_to;

ALTER TABLE spans MODIFY COLUMN pricing_status Enum8('none' = 0, 'priced' = 1, 'unpriced' = 2, 'gpu_hour' = 3);

ALTER TABLE rollup_hourly MODIFY COLUMN pricing_status Enum8('none' = 0, 'priced' = 1, 'unpriced' = 2, 'gpu_hour' = 3);

ALTER TABLE rollup_hourly_core MODIFY COLUMN pricing_status Enum8('none' = 0, 'priced' = 1, 'unpriced' = 2, 'gpu_hour' = 3);

-- 0025_trace_views_lean
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

