-- Dashboard users and login sessions. Passwords: scrypt with a per-user salt (the hash text
-- carries its parameters). Session tokens are random 32-byte secrets stored as SHA-256 hashes;
-- logout and revocation write a newer version of the row (ReplacingMergeTree, read FINAL).
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
