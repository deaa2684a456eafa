import { localTable } from './cluster.ts';
import { ident, param, sql, unsafeRaw } from './sql.ts';
import type { Store } from './store.ts';

/**
 * Retention per project (migration 0019). The instance retention (PLUMB_RETENTION_DAYS) is the
 * spans / metric_points table TTL and the upper bound; a project may keep its data for fewer
 * days, enforced by `enforceProjectRetention` (the worker's `retention` job). Raising a project
 * above the instance retention would need the table TTL raised for everyone, so it is refused
 * with a message naming the setting.
 */
export interface ProjectRetention {
  projectId: string;
  /** Days this project keeps spans and metric points. */
  days: number;
  /** The instance retention: the default and the maximum. */
  instanceDays: number;
  /** True when the project has no setting of its own (it follows the instance). */
  isDefault: boolean;
  updatedBy: string;
  updatedAt: string | null;
}

export class RetentionError extends Error {}

export async function getProjectRetention(store: Store, projectId: string): Promise<ProjectRetention> {
  const instanceDays = store.config.retentionDays;
  const [row] = await store.query<{ days: number; updated_by: string; updated_at: string }>(
    sql`SELECT days, updated_by, toString(updated_at) AS updated_at FROM project_retention FINAL WHERE project_id = ${projectId}`,
    { kind: 'dashboard', caller: 'retention.get' },
  );
  const own = row && row.days > 0 ? Math.min(row.days, instanceDays) : 0;
  return {
    projectId,
    days: own || instanceDays,
    instanceDays,
    isDefault: !own,
    updatedBy: row?.updated_by ?? '',
    updatedAt: row ? `${row.updated_at.replace(' ', 'T')}Z` : null,
  };
}

/** Sets a project's retention (`null`: back to the instance default). */
export async function setProjectRetention(store: Store, projectId: string, days: number | null, by: string): Promise<ProjectRetention> {
  const instanceDays = store.config.retentionDays;
  if (days !== null && (!Number.isInteger(days) || days < 1)) throw new RetentionError('days must be a whole number of at least 1');
  if (days !== null && days > instanceDays) {
    throw new RetentionError(`at most ${instanceDays} days: the instance retention (PLUMB_RETENTION_DAYS) is the upper bound for every project`);
  }
  await store.command(
    sql`INSERT INTO project_retention (project_id, days, updated_by, _version) VALUES (${projectId}, ${param(days ?? 0, 'UInt16')}, ${by}, ${Date.now()})`,
    { kind: 'dashboard', caller: 'retention.set' },
  );
  return getProjectRetention(store, projectId);
}

/** Projects whose retention is shorter than the instance's: [project, days]. */
async function shorterRetentions(store: Store): Promise<[string, number][]> {
  const rows = await store.query<{ project_id: string; days: number }>(
    sql`SELECT project_id, days FROM project_retention FINAL WHERE days > 0 AND days < ${param(store.config.retentionDays, 'UInt16')} ORDER BY project_id`,
  );
  return rows.map((r) => [r.project_id, r.days]);
}

/**
 * Deletes spans and metric points older than each project's retention (lightweight DELETE: the
 * rows disappear from reads at once, the parts shrink at their next merge). A project with
 * nothing past its retention costs one keyed count per table. Returns rows deleted per table.
 */
export async function enforceProjectRetention(store: Store, now = Date.now()): Promise<{ projectId: string; table: string; rows: number }[]> {
  const done: { projectId: string; table: string; rows: number }[] = [];
  for (const [projectId, days] of await shorterRetentions(store)) {
    const cutoff = param(Math.floor((now - days * 86_400_000) / 1000), 'DateTime');
    for (const [table, time] of [['spans', 'start_time'], ['metric_points', 'time']] as const) {
      const [c] = await store.query<{ n: string }>(
        sql`SELECT toString(count()) AS n FROM ${unsafeRaw(table)} WHERE project_id = ${projectId} AND ${unsafeRaw(time)} < ${cutoff}`,
      );
      const rows = Number(c?.n ?? 0);
      if (rows === 0) continue;
      // Cluster mode: the rows live in `<table>_local` on every shard; the cluster name is
      // validated at start-up (config.ts).
      const cluster = store.config.cluster;
      const on = unsafeRaw(cluster ? ` ON CLUSTER '${cluster}'` : '');
      await store.command(sql`DELETE FROM ${ident(localTable(table, cluster))}${on} WHERE project_id = ${projectId} AND ${unsafeRaw(time)} < ${cutoff}`);
      done.push({ projectId, table, rows });
    }
  }
  return done;
}
