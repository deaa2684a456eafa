import type { Store } from '@plumb/store';

/** A periodic job. `run` must be idempotent: a job may run again after a crash or overlap. */
export interface Job {
  name: string;
  intervalMs: number;
  run(store: Store, signal: AbortSignal): Promise<void>;
}

export interface WorkerOptions {
  log: (msg: string) => void;
  jobs?: Job[];
}

export interface Worker {
  stop(): Promise<void>;
}

/**
 * Runs jobs on their intervals, never two runs of one job at once; a failing job is logged and
 * retried on its next tick. Alert evaluation, rollups, drift and repricing register here.
 */
export function startWorker(store: Store, opts: WorkerOptions): Worker {
  const abort = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  for (const job of opts.jobs ?? []) {
    let busy = false;
    const tick = () => {
      if (busy || abort.signal.aborted) return;
      busy = true;
      const p = job
        .run(store, abort.signal)
        .catch((err) => opts.log(`plumb worker: job ${job.name} failed: ${(err as Error).message}`))
        .finally(() => {
          busy = false;
          running.delete(p);
        });
      running.add(p);
    };
    const t = setInterval(tick, job.intervalMs);
    t.unref();
    timers.push(t);
  }
  return {
    async stop() {
      abort.abort();
      for (const t of timers) clearInterval(t);
      await Promise.all(running);
    },
  };
}
