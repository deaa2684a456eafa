-- The price catalog as SQL sees it (issue 9): one row per price id — every bundled
-- genai-prices period (project_id '' = shared by all projects) and every project override —
-- so cache savings, the routing what-if and repricing price inside the engine instead of in a
-- Node loop. Kept in step with @plumb/pricing by packages/store/src/prices-sql.ts (bundled rows
-- per package version, override rows whenever overrides change). A rate is an array of
-- (start, USD per token) with the base price at start -1: the price for a request is the last
-- entry whose start is below its input tokens (genai-prices tiers; whole bucket at that tier).
-- USD per token with 12 decimals is exactly picodollars per token, as the catalog computes.
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

-- Repricing runs: requested by a user, carried out by the worker's `reprice` job under its
-- lease. Each state change is a new version of the run's row (queued → running → done | failed),
-- with progress and the range's totals before and after.
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

-- Ending an override: it stops applying to spans that start at or after effective_to.
ALTER TABLE price_overrides ADD COLUMN IF NOT EXISTS effective_to Nullable(DateTime64(3)) AFTER effective_from;

-- Monthly budgets (USD) per project (tenant = '' with scope 'project') or per tenant.
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

-- Month close: the state of each closed (or reopened) month, the frozen export of a closed month
-- (no TTL: kept beyond the span TTL, so its export is byte-identical after raw spans expire and
-- after later repricing), and the log of closes and reopens.
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
