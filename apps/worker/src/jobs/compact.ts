import { compactPartition, unmergedClosedPartitions, type Store } from '@plumb/store';
import type { Job } from '../worker.ts';

/** YYYYMMDD of the UTC day `daysAgo` before `now`. */
export function dayId(now: number, daysAgo: number): string {
  return new Date(now - daysAgo * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * Merges closed day partitions of `spans` into one part each, so reads through FINAL (every
 * money query) stop paying for deduplication on history. Yesterday is left one day for late
 * spans and context corrections; a later straggler just makes the day eligible again.
 */
export function compactJob(log: (msg: string) => void, intervalMs = 10 * 60_000): Job {
  return {
    name: 'compact-closed-partitions',
    intervalMs,
    async run(store: Store, signal: AbortSignal) {
      const pending = await unmergedClosedPartitions(store, 'spans', dayId(Date.now(), 1));
      for (const p of pending) {
        if (signal.aborted) return;
        const t0 = Date.now();
        await compactPartition(store, 'spans', p.partition);
        log(`plumb worker: merged ${p.parts} parts of spans partition ${p.partition} in ${Date.now() - t0} ms`);
      }
    },
  };
}
