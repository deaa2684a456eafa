import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DEFAULT_LEASE_OPTIONS, withLease, withQueryTag, type LeaseOptions, type Store } from '@plumb/store';

/**
 * A periodic job. The worker runs every job under its lease (packages/store/src/leases.ts), so
 * two workers on one store never run the same job at once; `run` should still be idempotent
 * (the lease's guarantee has stated limits, and a crash may leave a run half done).
 * `run` should stop soon after `signal` aborts (worker stopping, or the lease lost).
 */
export interface Job {
  name: string;
  intervalMs: number;
  run(store: Store, signal: AbortSignal): Promise<void>;
}

export interface WorkerOptions {
  log: (msg: string) => void;
  jobs?: Job[];
  /** This worker's name in the lease table (default host:pid:random). */
  holder?: string;
  lease?: LeaseOptions;
  /** Called after each tick of a job: whether it ran (held the lease) or was skipped. */
  onTick?: (job: string, ran: boolean) => void;
  /** Called after each tick with its outcome and duration (the worker's Prometheus series). */
  onRun?: (job: string, outcome: 'ran' | 'skipped' | 'failed', seconds: number) => void;
}

export interface Worker {
  stop(): Promise<void>;
}

/**
 * Runs jobs on their intervals, each run under the job's lease: never two runs of one job at
 * once in this process (busy flag) nor across workers (lease). A failing job is logged and
 * retried on its next tick. Alert evaluation, rollups, drift and repricing register here.
 */
export function startWorker(store: Store, opts: WorkerOptions): Worker {
  const abort = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  const holder = opts.holder ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const leaseOptions = opts.lease ?? DEFAULT_LEASE_OPTIONS;
  for (const job of opts.jobs ?? []) {
    let busy = false;
    const tick = () => {
      if (busy || abort.signal.aborted) return;
      busy = true;
      const t0 = performance.now();
      const took = () => (performance.now() - t0) / 1000;
      // Every statement of a job is tagged maintenance: lowest priority on the embedded engine's
      // queue (logins, key checks and ingest go first) and the long timeout a rebuild needs.
      const p = withQueryTag({ kind: 'maintenance', caller: `job ${job.name}` }, () =>
        withLease(store, job.name, holder, (signal) => job.run(store, signal), leaseOptions, abort.signal),
      )
        .then((r) => {
          opts.onRun?.(job.name, r.ran ? 'ran' : 'skipped', took());
          opts.onTick?.(job.name, r.ran);
        })
        .catch((err: unknown) => {
          opts.onRun?.(job.name, 'failed', took());
          opts.log(`plumb worker: job ${job.name} failed: ${(err as Error).message}`);
        })
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
