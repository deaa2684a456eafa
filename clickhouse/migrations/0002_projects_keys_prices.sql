-- Projects and API keys. Keys are stored as SHA-256 hashes (they are random 32-byte secrets,
-- so a slow hash adds nothing); revocation writes a newer version of the row.
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

-- User price overrides (USD per 1M tokens, decimal strings kept exact).
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
