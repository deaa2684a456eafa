import { enforceProjectRetention, type Store } from '@plumb/store';
import type { Job } from '../worker.ts';

/**
 * Applies retention per project (Settings → Data retention): deletes spans and metric points
 * older than a project's retention when it is shorter than the instance's (the table TTL handles
 * the instance retention). Idempotent: a second run finds nothing to delete.
 */
export function retentionJob(log: (msg: string) => void, intervalMs = 15 * 60_000): Job {
  return {
    name: 'project-retention',
    intervalMs,
    async run(store: Store) {
      for (const d of await enforceProjectRetention(store)) {
        log(`plumb worker: retention: deleted ${d.rows} ${d.table} rows of project ${d.projectId} past its retention`);
      }
    },
  };
}
