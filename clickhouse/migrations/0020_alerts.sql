-- Alert rules, their instances and history, silences, contact points, notification groups and
-- the delivery log (issue 13). Mutable state as everywhere else: versioned rows
-- (ReplacingMergeTree(_version)) read with FINAL; a deletion is a new version with deleted = true.
-- The worker's `alerts` job writes instances, transitions, groups and deliveries under its lease.

-- One row per rule; `spec` is the validated rule (@plumb/alerts RuleSpec) as JSON.
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

-- The current state of each alert instance (rule × group values), keyed by its fingerprint.
-- `data` is the whole @plumb/alerts Instance as JSON (timers included), so a restarted worker
-- continues exactly where the last evaluation left off; state / severity / value are columns for
-- listing. _version = evaluation time (ms): a second run of the same evaluation (a lease
-- take-over) writes the same version. An instance not rewritten for 30 days (inactive, its group
-- gone) expires.
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

-- Every state transition with its value. Keyed by (rule, fingerprint, time): a re-run of an
-- evaluation writes the same key, which collapses (read with FINAL).
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

-- Silences: label matchers (JSON [{name, op, value}]) between starts_at and ends_at.
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

-- Where notifications go: an Alertmanager-style webhook (v4 payload, HMAC-signed with `secret`),
-- a Slack incoming webhook, or an Alertmanager (API v2), with grouping timers.
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

-- Notification state per (contact point, group): what was last sent and when. Written after a
-- send succeeds, so a restart does not notify a firing group again.
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

-- Delivery log: one row per attempt (retries included).
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
