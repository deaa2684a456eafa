import { localTable } from './cluster.ts';
import { ident, sql, unsafeRaw } from './sql.ts';
import type { Store } from './store.ts';

export interface PartitionParts {
  table: string;
  partition: string;
  parts: number;
}

/**
 * Day partitions of `table` that are closed (older than `closedBefore`, a YYYYMMDD date) and
 * still hold more than one part. Re-delivered spans collapse only within a part, so every
 * FINAL read merges such partitions on the fly; once a closed day is one part, FINAL over it
 * costs nothing (do_not_merge_across_partitions_select_final).
 */
export async function unmergedClosedPartitions(store: Store, table: string, closedBefore: string): Promise<PartitionParts[]> {
  // Cluster mode: the rows live in `<table>_local` on every node; the most fragmented replica counts.
  const cluster = store.config.cluster;
  const parts = cluster ? sql`clusterAllReplicas(${cluster}, system.parts)` : sql`system.parts`;
  return store.query<PartitionParts>(sql`
    SELECT ${table} AS table, partition_id AS partition, max(n) AS parts FROM (
      SELECT partition_id, hostName() AS host, count() AS n
      FROM ${parts}
      WHERE database = currentDatabase() AND table = ${localTable(table, cluster)} AND active AND partition_id < ${closedBefore}
      GROUP BY partition_id, host)
    GROUP BY partition_id
    HAVING parts > 1
    ORDER BY partition_id`);
}

/** Merges one partition into a single part, applying the ReplacingMergeTree collapse. */
export async function compactPartition(store: Store, table: string, partition: string): Promise<void> {
  if (!/^\d{8}$|^\d{4}-\d{2}-\d{2}$/.test(partition)) throw new Error(`unexpected partition id ${partition}`);
  const cluster = store.config.cluster;
  // The cluster name is validated at start-up (config.ts) and by renderClusterStatements.
  const on = cluster ? unsafeRaw(` ON CLUSTER '${cluster}'`) : unsafeRaw('');
  await store.command(sql`OPTIMIZE TABLE ${ident(localTable(table, cluster))}${on} PARTITION ID ${partition} FINAL`);
}
