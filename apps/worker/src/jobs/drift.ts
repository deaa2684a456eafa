import { evaluateDriftMonitor, hasDriftResult, listAllDriftMonitors, type Store } from '@plumb/store';
import type { Job } from '../worker.ts';

export interface DriftJobOptions {
  /** How often the job looks for due monitors (default 5 min). */
  intervalMs?: number;
  /** Evaluation grid: each monitor is evaluated once per step, its current window ending on it (default 1 h). */
  stepMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

/**
 * Evaluates every drift monitor of every project once per step (the current window ends on the
 * step boundary), skipping a step already evaluated, so the history is one point per hour and a
 * second run — another worker after a lease take-over — rewrites the same rows (drift_results is
 * keyed by monitor and window end). One monitor failing does not stop the others.
 */
export function driftJob(log: (msg: string) => void, opts: DriftJobOptions = {}): Job {
  const step = opts.stepMs ?? 3_600_000;
  const now = opts.now ?? Date.now;
  return {
    name: 'drift',
    intervalMs: opts.intervalMs ?? 300_000,
    async run(store: Store, signal: AbortSignal): Promise<void> {
      const at = Math.floor(now() / step) * step;
      for (const m of await listAllDriftMonitors(store)) {
        if (signal.aborted) return;
        try {
          if (await hasDriftResult(store, m.projectId, m.id, at)) continue;
          const e = await evaluateDriftMonitor(store, m.projectId, m, at);
          if (e?.result.flagged) log(`drift: monitor ${m.name} (${m.id}, project ${m.projectId}) flagged: ${e.result.method} ${e.result.score.toPrecision(4)} (${e.result.severity})`);
        } catch (err) {
          log(`drift: monitor ${m.id} of ${m.projectId} failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    },
  };
}
