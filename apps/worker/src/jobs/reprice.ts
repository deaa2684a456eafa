import { bundledPriceRows, BUNDLED_PRICES_VERSION, overridePriceRows, PriceCatalog } from '@plumb/pricing';
import {
  costTotals, knownPriceIds, listPriceOverrides, listProjects, modelCombos, pendingRepriceRuns, repriceSegment, saveRepriceRun,
  syncBundledPrices, syncOverridePrices, type RepriceRun, type Store,
} from '@plumb/store';
import type { Job } from '../worker.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * Brings the `prices` table in step with the catalog of one project: bundled rows (once per
 * bundled-data version) and the project's overrides. Returns the project's catalog.
 */
export async function syncPrices(store: Store, projectId: string): Promise<PriceCatalog> {
  const overrides = await listPriceOverrides(store, projectId);
  await syncBundledPrices(store, bundledPriceRows(), BUNDLED_PRICES_VERSION);
  await syncOverridePrices(store, projectId, overridePriceRows(overrides));
  return new PriceCatalog(overrides);
}

/**
 * Carries out one reprice run: totals before, then per day of the range (progress in hours),
 * per model combination, per catalog price segment, a rewrite (SQL pricing from `prices`),
 * then totals after; each step saved to `reprice_runs` (the log: who, when, range, old and new
 * totals). Resumable: a run left `running` by a stopped worker is run again from the start,
 * and rows already repriced are not rewritten again.
 */
export async function runReprice(store: Store, run: RepriceRun, signal?: AbortSignal): Promise<RepriceRun> {
  const r: RepriceRun = { ...run, state: 'running', hoursDone: 0, rowsRewritten: 0 };
  try {
    const catalog = await syncPrices(store, r.projectId);
    const before = await costTotals(store, r.projectId, r.fromMs, r.toMs);
    r.oldTotalUsd = before.totalUsd;
    r.oldUnpriced = before.unpriced;
    await saveRepriceRun(store, r);
    for (let day = r.fromMs; day < r.toMs; day = Math.min(r.toMs, Math.floor(day / DAY) * DAY + DAY)) {
      if (signal?.aborted) throw new Error('stopped (worker stopping or lease lost); the run resumes on the next pass');
      const end = Math.min(r.toMs, Math.floor(day / DAY) * DAY + DAY);
      for (const combo of await modelCombos(store, r.projectId, day, end)) {
        const segments = catalog.priceSegments(combo.provider, combo.responseModel, combo.requestModel, day, end);
        const ids = segments.map((s) => PriceCatalog.splitPriceId(s.priceId).priceId).filter((id) => id !== '');
        const known = await knownPriceIds(store, r.projectId, ids);
        for (const s of segments) {
          const catalogId = PriceCatalog.splitPriceId(s.priceId).priceId;
          if (catalogId !== '' && !known.has(catalogId)) throw new Error(`price ${catalogId} is not in the prices table`);
          r.rowsRewritten += await repriceSegment(store, r.projectId, combo, s.fromMs, s.toMs, s.priceId);
        }
      }
      r.hoursDone = Math.min(r.hoursTotal, Math.ceil((end - r.fromMs) / HOUR));
      await saveRepriceRun(store, r);
    }
    const after = await costTotals(store, r.projectId, r.fromMs, r.toMs);
    r.newTotalUsd = after.totalUsd;
    r.newUnpriced = after.unpriced;
    r.state = 'done';
  } catch (err) {
    r.state = signal?.aborted ? 'running' : 'failed';
    r.error = (err as Error).message;
  }
  r.finishedAt = r.state === 'running' ? null : Date.now();
  await saveRepriceRun(store, r);
  return r;
}

/** Worker job: runs queued reprice runs, one at a time, under the `reprice` lease. */
export function repriceJob(log: (msg: string) => void, intervalMs = 2_000): Job {
  return {
    name: 'reprice',
    intervalMs,
    async run(store, signal) {
      for (const run of await pendingRepriceRuns(store)) {
        if (signal.aborted) return;
        const done = await runReprice(store, run, signal);
        log(`plumb worker: reprice ${done.id} (${done.projectId}) ${done.state}: ${done.rowsRewritten} rows, total ${done.oldTotalUsd} → ${done.newTotalUsd} USD, unpriced ${done.oldUnpriced} → ${done.newUnpriced}${done.error ? `: ${done.error}` : ''}`);
      }
    },
  };
}

/**
 * Worker job: keeps the SQL `prices` table in step with the catalog for every project (bundled
 * rows once per bundled-data version; overrides changed by another process, e.g. `plumb
 * prices`, within a minute). The web and the reprice job also sync on every change they make.
 */
export function pricesSyncJob(log: (msg: string) => void, intervalMs = 60_000): Job {
  return {
    name: 'prices-sync',
    intervalMs,
    async run(store, signal) {
      for (const { id: projectId } of await listProjects(store)) {
        if (signal.aborted) return;
        await syncPrices(store, projectId).catch((err: unknown) => log(`plumb worker: prices-sync ${projectId}: ${(err as Error).message}`));
      }
    },
  };
}
