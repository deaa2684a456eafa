import { param, sql } from './sql.ts';
import type { Store } from './store.ts';
import { usdToPico } from './gpu-split.ts';

/**
 * GPU-hour prices per GPU model or host (migration 0017), versioned rows read with FINAL. Which
 * price an hour of a GPU pays: see `priceFor`.
 */
export interface GpuHourPrice {
  id: string;
  matchKind: 'gpu_model' | 'host';
  /** The GPU model name as the exporter reports it (dcgm `modelName`), or the host name. */
  match: string;
  /** Exact decimal USD per GPU-hour (≤ 12 decimals). */
  usdPerGpuHour: string;
  /** Epoch ms. */
  effectiveFrom: number;
  effectiveTo: number | null;
  updatedBy: string;
}

export async function saveGpuPrice(store: Store, projectId: string, p: GpuHourPrice): Promise<void> {
  usdToPico(p.usdPerGpuHour); // refuses anything that is not an exact amount
  await store.command(sql`
    INSERT INTO gpu_hour_prices (project_id, id, match_kind, match, usd_per_gpu_hour, effective_from, effective_to, updated_by, _version)
    VALUES (${projectId}, ${p.id}, ${p.matchKind}, ${p.match}, ${param(p.usdPerGpuHour, 'Decimal(38, 12)')},
      ${new Date(p.effectiveFrom)}, ${p.effectiveTo === null ? sql`NULL` : new Date(p.effectiveTo)}, ${p.updatedBy}, ${Date.now()})`);
}

export async function deleteGpuPrice(store: Store, projectId: string, id: string, by: string): Promise<void> {
  await store.command(sql`
    INSERT INTO gpu_hour_prices (project_id, id, match_kind, match, usd_per_gpu_hour, effective_from, effective_to, updated_by, deleted, _version)
    SELECT project_id, id, match_kind, match, usd_per_gpu_hour, effective_from, effective_to, ${by}, true, ${Date.now()}
    FROM gpu_hour_prices FINAL WHERE project_id = ${projectId} AND id = ${id}`);
}

export async function listGpuPrices(store: Store, projectId: string): Promise<GpuHourPrice[]> {
  const rows = await store.query<{ id: string; match_kind: string; match: string; usd: string; from_ms: string; to_ms: string | null; updated_by: string }>(sql`
    SELECT id, match_kind, match, toString(usd_per_gpu_hour) AS usd, toUnixTimestamp64Milli(effective_from) AS from_ms,
      toUnixTimestamp64Milli(effective_to) AS to_ms, updated_by
    FROM gpu_hour_prices FINAL WHERE project_id = ${projectId} AND NOT deleted
    ORDER BY match_kind, match, effective_from`);
  return rows.map((r) => ({
    id: r.id, matchKind: r.match_kind === 'host' ? 'host' : 'gpu_model', match: r.match, usdPerGpuHour: r.usd,
    effectiveFrom: Number(r.from_ms), effectiveTo: r.to_ms === null ? null : Number(r.to_ms), updatedBy: r.updated_by,
  }));
}

/**
 * The price of one GPU-hour starting at `hour`: the host's own price, else its GPU model's; among
 * those, the one with the latest effective_from ≤ hour that has not ended. null: unpriced.
 */
export function priceFor(prices: readonly GpuHourPrice[], host: string, gpuModel: string, hour: number): GpuHourPrice | null {
  const live = (p: GpuHourPrice) => p.effectiveFrom <= hour && (p.effectiveTo === null || hour < p.effectiveTo);
  const pick = (kind: GpuHourPrice['matchKind'], match: string) =>
    prices.filter((p) => p.matchKind === kind && p.match === match && live(p)).sort((a, b) => b.effectiveFrom - a.effectiveFrom)[0] ?? null;
  return (host ? pick('host', host) : null) ?? (gpuModel ? pick('gpu_model', gpuModel) : null);
}
