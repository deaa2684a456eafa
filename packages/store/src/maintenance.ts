import { ident, sql } from './sql.ts';
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
  return store.query<PartitionParts>(sql`
    SELECT table, partition_id AS partition, count() AS parts
    FROM system.parts
    WHERE database = currentDatabase() AND table = ${table} AND active AND partition_id < ${closedBefore}
    GROUP BY table, partition_id
    HAVING parts > 1
    ORDER BY partition_id`);
}

/** Merges one partition into a single part, applying the ReplacingMergeTree collapse. */
export async function compactPartition(store: Store, table: string, partition: string): Promise<void> {
  if (!/^\d{8}$|^\d{4}-\d{2}-\d{2}$/.test(partition)) throw new Error(`unexpected partition id ${partition}`);
  await store.command(sql`OPTIMIZE TABLE ${ident(table)} PARTITION ID ${partition} FINAL`);
}
