import { bundledPriceRows, BUNDLED_PRICES_VERSION, overridePriceRows, PriceCatalog, validateOverride, type PriceOverride } from '@plumb/pricing';
import {
  deletePriceOverride, listPriceOverrides, MEASURES, listPriceRows, routingWhatIf, syncBundledPrices, syncOverridePrices, upsertPriceOverride, type Store,
} from '@plumb/store';
import type { PriceOverrideInput } from '../schemas/cost.ts';

/**
 * The price catalog behind tRPC `cost.*` and REST /api/v1/prices: every change to overrides
 * writes the override row, then brings the SQL `prices` table in step (bundled + overrides),
 * so queries pricing in the engine see it at once. New spans are priced by the collector
 * (it reloads overrides within a minute); stored spans change only through a reprice run.
 */
export class PriceInputError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

export async function syncProjectPrices(store: Store, projectId: string): Promise<void> {
  await syncBundledPrices(store, bundledPriceRows(), BUNDLED_PRICES_VERSION);
  await syncOverridePrices(store, projectId, overridePriceRows(await listPriceOverrides(store, projectId)));
  synced().set(projectId, Date.now());
}

/** When this process last synced each project (on globalThis: Next bundles modules per route). */
function synced(): Map<string, number> {
  const g = globalThis as { __plumbPricesSynced?: Map<string, number> };
  g.__plumbPricesSynced ??= new Map();
  return g.__plumbPricesSynced;
}

/** Before a read that prices in SQL: sync unless this process did within the last minute (the
 *  worker's prices-sync job runs every minute too; a fresh store has an empty table). */
export async function ensurePrices(store: Store, projectId: string): Promise<void> {
  if (Date.now() - (synced().get(projectId) ?? 0) < 60_000) return;
  await syncProjectPrices(store, projectId);
}

/** Before a semantic query whose measures price from the catalog in SQL (cache savings). */
export async function ensurePricesForMeasures(store: Store, projectId: string, measures: readonly string[]): Promise<void> {
  if (MEASURES.some((m) => m.joinPrices === true && measures.includes(m.name))) await ensurePrices(store, projectId);
}

function toOverride(input: PriceOverrideInput): PriceOverride {
  const o: PriceOverride = {
    id: input.id, provider: input.provider.trim(), modelPattern: input.modelPattern.trim(), effectiveFrom: input.effectiveFrom.getTime(),
    inputPerMTok: input.inputPerMTok ?? '', outputPerMTok: input.outputPerMTok ?? '',
  };
  if (input.unit === 'gpu_hour') o.unit = 'gpu_hour';
  if (input.effectiveTo) o.effectiveTo = input.effectiveTo.getTime();
  if (input.cacheReadPerMTok !== undefined) o.cacheReadPerMTok = input.cacheReadPerMTok;
  if (input.cacheWritePerMTok !== undefined) o.cacheWritePerMTok = input.cacheWritePerMTok;
  if (input.reasoningPerMTok !== undefined) o.reasoningPerMTok = input.reasoningPerMTok;
  return o;
}

export async function saveOverride(store: Store, projectId: string, input: PriceOverrideInput): Promise<PriceOverride> {
  const o = toOverride(input);
  const problems = validateOverride(o);
  if (problems.length > 0) {
    const field = /: (\w+) must/.exec(problems[0]!)?.[1] ?? /modelPattern/.exec(problems[0]!)?.[0] ?? 'body';
    throw new PriceInputError(field, problems.join('; '));
  }
  await upsertPriceOverride(store, projectId, o);
  await syncProjectPrices(store, projectId);
  return o;
}

export async function endOverride(store: Store, projectId: string, id: string, at: Date): Promise<PriceOverride | null> {
  const current = (await listPriceOverrides(store, projectId)).find((o) => o.id === id);
  if (!current) return null;
  if (at.getTime() <= current.effectiveFrom) throw new PriceInputError('at', 'must be after the override starts');
  const ended = { ...current, effectiveTo: at.getTime() };
  await upsertPriceOverride(store, projectId, ended);
  await syncProjectPrices(store, projectId);
  return ended;
}

export async function removeOverride(store: Store, projectId: string, id: string): Promise<boolean> {
  const current = (await listPriceOverrides(store, projectId)).find((o) => o.id === id);
  if (!current) return false;
  await deletePriceOverride(store, projectId, id);
  await syncProjectPrices(store, projectId);
  return true;
}

export async function listPrices(store: Store, projectId: string, q: string, limit: number) {
  await syncProjectPrices(store, projectId);
  const { rows, total } = await listPriceRows(store, projectId, q, limit);
  return { bundledVersion: BUNDLED_PRICES_VERSION, overrides: await listPriceOverrides(store, projectId), rows, total };
}

/** The routing what-if with the target model priced by the project's catalog (at `to`). */
export async function whatIf(store: Store, projectId: string, q: { from: Date; to: Date; fromModel: string; requestType?: string | undefined; toProvider: string; toModel: string }) {
  await syncProjectPrices(store, projectId);
  const catalog = new PriceCatalog(await listPriceOverrides(store, projectId));
  const price = catalog.lookup(q.toProvider, q.toModel, q.to.getTime() - 1);
  if (!price) throw new PriceInputError('toModel', `no price for ${q.toProvider}/${q.toModel}: add one first`);
  const rows = await routingWhatIf(store, projectId, { from: q.from, to: q.to, fromModel: q.fromModel, ...(q.requestType ? { requestType: q.requestType } : {}), toPriceId: price.priceId });
  return { priceId: price.priceId, rows };
}
