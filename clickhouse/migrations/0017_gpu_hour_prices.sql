-- GPU-hour prices (issue 11 item 6; issue 9's self-hosted spend): what one GPU costs per hour,
-- matched by GPU model (`match_kind` 'gpu_model', e.g. 'NVIDIA H100 80GB HBM3') or by host
-- ('host': a host's own price wins over its GPU model's). A price applies to hours starting at
-- or after `effective_from` and before `effective_to` (NULL: open); a price change from a date is
-- a new row, so earlier hours keep the price they had. Versioned like price overrides: an edit or
-- a delete is a new version of the row (`_version`), read with FINAL; `updated_by` says who.
-- USD with 12 decimals is exactly picodollars, the precision of span costs.
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
