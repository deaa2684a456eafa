-- Drift (issue 12): per-hour value statistics next to each bin count, so a monitor's first
-- evaluation reads the reference once. Its bins' range and spread (min, max, population std of the
-- reference, which Wasserstein clips and divides by) used to come from a separate pass over the
-- reference; now they are summed from the hours the counting pass writes anyway.
-- v_sum / v_sq are Σ(v − c) and Σ(v − c)² for the binning's shift c (its middle edge, part of the
-- row's binning_key), so the variance is not the difference of two huge sums. Categorical rows
-- and the null bin keep 0. Rows written before this migration carry 0 here and are never read:
-- their binning_key has no feature identity (store drift-counts.ts countsKey), so it never matches.
ALTER TABLE drift_bin_counts
    ADD COLUMN IF NOT EXISTS v_min Float64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS v_max Float64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS v_sum Float64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS v_sq Float64 DEFAULT 0;
