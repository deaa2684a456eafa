import { computeStagesForHour, recentlyIngestedRootHours, unstagedHours, type Store } from '@plumb/store';
import type { Job } from '../worker.ts';

export interface StagesJobOptions {
  /** How often the job looks for requests without stage rows (default 15 s). */
  intervalMs?: number;
  /** Incremental look-back (default 6 h); the first run and a sweep every `sweepEveryMs` look back `fullLookbackMs`. */
  lookbackMs?: number;
  fullLookbackMs?: number;
  sweepEveryMs?: number;
  /** A root ingested less than this ago waits (its late children may still arrive; default 10 s). */
  settleMs?: number;
  now?: () => number;
}

/**
 * Computes the per-request stage rows (store stages.ts, migration 0013) once per trace: every
 * run finds the hours holding requests (traces with a root) that have no stage row — within the
 * look-back, plus older hours that received roots since the previous run — and
 * computes those traces from their spans (critical path split by stage, @plumb/analytics). A
 * trace is computed when its root has settled; spans arriving after that are not reflected
 * (the row is not recomputed). Idempotent: a second run finds nothing to do, a concurrent one
 * (lease take-over) writes rows that replace each other (ReplacingMergeTree).
 */
export function stagesJob(log: (msg: string) => void, o: StagesJobOptions = {}): Job & { runOnce(store: Store, signal: AbortSignal, full?: boolean): Promise<number> } {
  const now = o.now ?? Date.now;
  const lookback = o.lookbackMs ?? 6 * 3_600_000;
  const fullLookback = o.fullLookbackMs ?? 30 * 86_400_000;
  const sweepEvery = o.sweepEveryMs ?? 3_600_000;
  let lastSweep = -Infinity;
  /** Engine-side ingestion times are compared with this process's clock: keep a margin. */
  let lastPass: number | null = null;
  const INGEST_MARGIN_MS = 60_000;

  async function runOnce(store: Store, signal: AbortSignal, full?: boolean): Promise<number> {
    const t = now();
    const sweep = full ?? t - lastSweep >= sweepEvery;
    const hours = await unstagedHours(store, t - (sweep ? fullLookback : lookback), t + 3_600_000);
    // Hours outside the look-back that received roots since the last pass (late or replayed data).
    if (!sweep && lastPass !== null) {
      const seen = new Set(hours.map((h) => `${h.projectId}\u0000${h.hourMs}`));
      for (const h of await recentlyIngestedRootHours(store, t - fullLookback, lastPass - INGEST_MARGIN_MS)) {
        if (h.hourMs < t - lookback && !seen.has(`${h.projectId}\u0000${h.hourMs}`)) hours.push({ ...h, traces: 0 });
      }
    }
    if (sweep) lastSweep = t;
    lastPass = t;
    let written = 0;
    const t0 = Date.now();
    for (const h of hours) {
      if (signal.aborted) break;
      written += await computeStagesForHour(store, h.projectId, h.hourMs, { settleMs: o.settleMs, signal });
    }
    if (written > 0) log(`plumb worker: stage rows for ${written} request(s) in ${Date.now() - t0} ms`);
    return written;
  }

  return {
    name: 'stages',
    intervalMs: o.intervalMs ?? 15_000,
    async run(store, signal) {
      await runOnce(store, signal);
    },
    runOnce,
  };
}
