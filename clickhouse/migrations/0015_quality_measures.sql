-- Quality measures and late data (issue 12).
--
-- scores._ingested_at: when a score row was inserted (engine clock), as spans._ingested_at. Drift
-- counts per closed hour (drift_bin_counts) are recounted when rows of the monitor's source
-- arrive for an hour after it was counted; scores are the typical late arrival (a judge or a
-- user scores a request hours later), so they need the insert time too. Rows written before
-- this migration take the migration's time once (MATERIALIZE), so their hours are recounted at
-- most once; without it the DEFAULT would be evaluated at every read and look always new.
ALTER TABLE scores ADD COLUMN IF NOT EXISTS _ingested_at DateTime64(3) DEFAULT now64(3);
ALTER TABLE scores MATERIALIZE COLUMN _ingested_at;
