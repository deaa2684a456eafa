import { param, sql } from './sql.ts';
import type { Store } from './store.ts';

/** Mirrors @plumb/pricing's PriceOverride (the store does not depend on pricing). */
export interface StoredPriceOverride {
  id: string;
  provider: string;
  modelPattern: string;
  effectiveFrom: number;
  /** Epoch ms, exclusive: an ended override. */
  effectiveTo?: number;
  /** 'gpu_hour': a self-hosted model priced per GPU-hour (no token prices; migration 0024). */
  unit?: 'token' | 'gpu_hour';
  inputPerMTok: string;
  outputPerMTok: string;
  cacheReadPerMTok?: string;
  cacheWritePerMTok?: string;
  reasoningPerMTok?: string;
}

const DECIMAL = /^\d{1,9}(\.\d{1,12})?$/;

export async function listPriceOverrides(store: Store, projectId: string): Promise<StoredPriceOverride[]> {
  const rows = await store.query<Record<string, string | number | null>>(
    sql`SELECT id, provider, model_pattern, toUnixTimestamp64Milli(effective_from) AS effective_from, toUnixTimestamp64Milli(effective_to) AS effective_to, unit,
               input_per_mtok, output_per_mtok, cache_read_per_mtok, cache_write_per_mtok, reasoning_per_mtok
        FROM price_overrides FINAL WHERE project_id = ${projectId} AND NOT deleted ORDER BY effective_from`,
  );
  return rows.map((r) => {
    const o: StoredPriceOverride = {
      id: String(r.id),
      provider: String(r.provider),
      modelPattern: String(r.model_pattern),
      effectiveFrom: Number(r.effective_from),
      inputPerMTok: String(r.input_per_mtok),
      outputPerMTok: String(r.output_per_mtok),
    };
    if (r.effective_to !== null && r.effective_to !== undefined) o.effectiveTo = Number(r.effective_to);
    if (r.unit === 'gpu_hour') o.unit = 'gpu_hour';
    if (r.cache_read_per_mtok) o.cacheReadPerMTok = String(r.cache_read_per_mtok);
    if (r.cache_write_per_mtok) o.cacheWritePerMTok = String(r.cache_write_per_mtok);
    if (r.reasoning_per_mtok) o.reasoningPerMTok = String(r.reasoning_per_mtok);
    return o;
  });
}

export async function upsertPriceOverride(store: Store, projectId: string, o: StoredPriceOverride): Promise<void> {
  for (const [field, value] of Object.entries(o)) {
    if (field.endsWith('PerMTok') && value !== undefined && !(o.unit === 'gpu_hour' && value === '') && !DECIMAL.test(String(value))) {
      throw new Error(`${field}: expected a decimal USD price per 1M tokens, got ${JSON.stringify(value)}`);
    }
  }
  if (!o.modelPattern) throw new Error('modelPattern: required');
  await store.command(
    sql`INSERT INTO price_overrides (project_id, id, provider, model_pattern, effective_from, effective_to, unit, input_per_mtok, output_per_mtok,
          cache_read_per_mtok, cache_write_per_mtok, reasoning_per_mtok, _version)
        VALUES (${projectId}, ${o.id}, ${o.provider}, ${o.modelPattern}, ${new Date(o.effectiveFrom)}, ${param(o.effectiveTo === undefined ? null : (o.effectiveTo / 1000).toFixed(3), 'Nullable(DateTime64(3))')}, ${o.unit ?? 'token'}, ${o.inputPerMTok}, ${o.outputPerMTok},
          ${o.cacheReadPerMTok ?? ''}, ${o.cacheWritePerMTok ?? ''}, ${o.reasoningPerMTok ?? ''}, ${Date.now()})`,
  );
}

/** Removes an override (a newer version marked deleted): it no longer prices anything. */
export async function deletePriceOverride(store: Store, projectId: string, id: string): Promise<void> {
  await store.command(
    sql`INSERT INTO price_overrides (project_id, id, provider, model_pattern, effective_from, unit, input_per_mtok, output_per_mtok,
          cache_read_per_mtok, cache_write_per_mtok, reasoning_per_mtok, deleted, _version)
        SELECT project_id, id, provider, model_pattern, effective_from, unit, input_per_mtok, output_per_mtok,
          cache_read_per_mtok, cache_write_per_mtok, reasoning_per_mtok, true, ${Date.now()}
        FROM price_overrides FINAL WHERE project_id = ${projectId} AND id = ${id}`,
  );
}
