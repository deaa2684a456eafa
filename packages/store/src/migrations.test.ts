import { describe, expect, it } from 'vitest';
import { loadMigrations, renderForCluster, splitStatements } from './migrations.ts';

describe('migrations', () => {
  it('splits statements and drops comments', () => {
    expect(splitStatements('-- hi;\nCREATE TABLE a (x UInt8) ENGINE = MergeTree ORDER BY x;\n\nSELECT 1;')).toEqual([
      'CREATE TABLE a (x UInt8) ENGINE = MergeTree ORDER BY x',
      'SELECT 1',
    ]);
  });

  it('loads the repository migrations in order with checksums', () => {
    const all = loadMigrations();
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(all.map((m) => m.name)).toEqual([...all.map((m) => m.name)].sort());
    for (const m of all) {
      expect(m.checksum).toMatch(/^[0-9a-f]{16}$/);
      expect(m.statements.length).toBeGreaterThan(0);
    }
  });

  it('renders cluster mode from the same statement', () => {
    const single = 'CREATE TABLE IF NOT EXISTS spans (a UInt8, v UInt64) ENGINE = ReplacingMergeTree(v) ORDER BY a';
    expect(renderForCluster(single, '')).toBe(single);
    expect(renderForCluster(single, 'plumb')).toBe(
      "CREATE TABLE IF NOT EXISTS spans ON CLUSTER 'plumb' (a UInt8, v UInt64) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/spans', '{replica}', v) ORDER BY a",
    );
    expect(renderForCluster('CREATE TABLE t (a UInt8) ENGINE = AggregatingMergeTree ORDER BY a', 'c')).toContain(
      "ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/t', '{replica}')",
    );
    expect(renderForCluster('ALTER TABLE spans MODIFY TTL x', 'c')).toBe("ALTER TABLE spans ON CLUSTER 'c' MODIFY TTL x");
    expect(renderForCluster('CREATE MATERIALIZED VIEW IF NOT EXISTS mv TO t AS SELECT 1', 'c')).toBe(
      "CREATE MATERIALIZED VIEW IF NOT EXISTS mv ON CLUSTER 'c' TO t AS SELECT 1",
    );
  });
});
