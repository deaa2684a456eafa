-- Issue 14 (security and governance).
--
-- Content controls per project, read by the collector BEFORE anything is written (WAL
-- included): capture of prompt/completion text ('keep', 'truncate' to capture_max_bytes, 'off'),
-- attribute keys whose values are replaced, regex patterns (built-in names such as 'email',
-- 'api_key', 'card' or custom expressions) whose matches are replaced, and per-value / per-span
-- size limits. Versioned rows read with FINAL; no row = keep everything (the defaults).
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

-- Ed25519 signing keys of verifiable trace bundles, one live key per project; rotation retires
-- the old key (kept, with its public half, so older bundles still verify).
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
