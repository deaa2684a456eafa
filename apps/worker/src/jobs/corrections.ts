import { correctionBacklog, correctTrace, markCorrectionsChecked, pendingCorrections, storeNowMs, type PendingCorrection, type Store } from '@plumb/store';
import type { Job } from '../worker.ts';

/**
 * Counters of the corrections job, rendered in Prometheus text. `plumb start` (collector and
 * worker in one process) appends them to the collector's /metrics; a worker on its own logs.
 */
export class CorrectionStats {
  corrected = 0;
  rowsRewritten = 0;
  failed = 0;
  /** Traces that failed in the last pass (retried every pass until they succeed). */
  failing = 0;
  /** Traces needing a correction whose last update is over a minute old (checked each sweep). */
  backlog = 0;
  lastRunMs = 0;

  render(): string {
    return [
      '# HELP plumb_context_corrections_total Traces whose rows were rewritten with context that arrived late, by outcome.',
      '# TYPE plumb_context_corrections_total counter',
      `plumb_context_corrections_total{outcome="ok"} ${this.corrected}`,
      `plumb_context_corrections_total{outcome="failed"} ${this.failed}`,
      '# HELP plumb_context_corrections_rows_total Span rows rewritten by context corrections.',
      '# TYPE plumb_context_corrections_rows_total counter',
      `plumb_context_corrections_rows_total ${this.rowsRewritten}`,
      '# HELP plumb_context_corrections_failing Traces whose correction failed in the last pass (retried).',
      '# TYPE plumb_context_corrections_failing gauge',
      `plumb_context_corrections_failing ${this.failing}`,
      '# HELP plumb_context_corrections_backlog Traces waiting for a correction for over a minute.',
      '# TYPE plumb_context_corrections_backlog gauge',
      `plumb_context_corrections_backlog ${this.backlog}`,
      '# HELP plumb_context_corrections_last_run_timestamp_seconds When the corrections job last completed a pass.',
      '# TYPE plumb_context_corrections_last_run_timestamp_seconds gauge',
      `plumb_context_corrections_last_run_timestamp_seconds ${Math.floor(this.lastRunMs / 1000)}`,
    ].join('\n');
  }
}

export interface CorrectionsJobOptions {
  intervalMs?: number;
  /** How far back a sweep looks for traces needing a correction (first run, then every sweepMs). */
  lookbackMs?: number;
  sweepMs?: number;
  /** Traces corrected per query. */
  batch?: number;
  stats?: CorrectionStats;
}

/** Overlap of incremental passes, for inserts still landing when the previous pass read. */
const MARGIN_MS = 30_000;

/**
 * Rewrites span rows that lack trace context the store knows (packages/store/src/corrections.ts):
 * the durable path behind the collector's in-memory hold. Incremental passes look at traces
 * updated since the previous pass; a sweep (at start, then every `sweepMs`) looks back
 * `lookbackMs`, so a restart of the worker, or a correction that keeps failing, is picked up
 * again. Idempotent (content-driven), and run under the worker's lease: never twice at once.
 */
export function correctionsJob(log: (msg: string) => void, opts: CorrectionsJobOptions = {}): Job {
  const lookbackMs = opts.lookbackMs ?? 6 * 3_600_000;
  const sweepMs = opts.sweepMs ?? 10 * 60_000;
  const batch = opts.batch ?? 500;
  const stats = opts.stats ?? new CorrectionStats();
  let watermark: number | null = null;
  let lastSweep = 0;
  return {
    name: 'context-corrections',
    intervalMs: opts.intervalMs ?? 2_000,
    async run(store: Store, signal: AbortSignal) {
      // The store's clock, not ours: it stamps updated_at (a worker on another host may be skewed).
      const now = await storeNowMs(store);
      const sweep = watermark === null || now - lastSweep >= sweepMs;
      const since = sweep ? now - lookbackMs : watermark! - MARGIN_MS;
      let failing = 0;
      let oldestFailure = Number.POSITIVE_INFINITY;
      let processedUpTo = since;
      const seen = new Set<string>();
      while (!signal.aborted) {
        // A trace corrected in this pass becomes pending again (its rewrite updates it); the
        // next pass re-checks it (a no-op), so it is not taken twice here.
        const all = await pendingCorrections(store, since, batch);
        const pending = all.filter((c) => !seen.has(`${c.projectId}/${c.traceId}`));
        const done: PendingCorrection[] = [];
        for (const c of pending) {
          if (signal.aborted) break;
          seen.add(`${c.projectId}/${c.traceId}`);
          try {
            const res = await correctTrace(store, c);
            done.push(c);
            if (res.rows > 0) {
              stats.corrected++;
              stats.rowsRewritten += res.rows;
            }
          } catch (err) {
            stats.failed++;
            failing++;
            oldestFailure = Math.min(oldestFailure, c.updatedMs);
            log(`plumb worker: context correction of trace ${c.traceId} failed (retried next pass): ${(err as Error).message.split('\n')[0]}`);
          }
          processedUpTo = Math.max(processedUpTo, c.updatedMs);
        }
        await markCorrectionsChecked(store, done);
        if (all.length < batch || pending.length === 0) break;
      }
      // Everything updated before this pass started has been looked at, unless it was cut short;
      // failed traces stay unchecked and the watermark stays at or before them (retried).
      watermark = Math.min(signal.aborted ? processedUpTo : now, oldestFailure);
      stats.failing = failing;
      if (sweep) {
        lastSweep = now;
        stats.backlog = await correctionBacklog(store, now - lookbackMs, 60_000, now);
      }
      stats.lastRunMs = Date.now();
    },
  };
}
